package io.gdnode.pool.registry;

/**
 * Told when a pool comes into and goes out of a {@link SharedPoolRegistry}, for example to
 * register and remove its meters.
 */
public interface PoolListener {

	/**
	 * The registry's first client of this pool attached.
	 * @param pool the pool
	 */
	void poolAttached(SharedPool pool);

	/**
	 * The registry's last client of this pool detached.
	 * @param pool the pool
	 */
	void poolDetached(SharedPool pool);

}
