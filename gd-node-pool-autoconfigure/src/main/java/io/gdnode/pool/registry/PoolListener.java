package io.gdnode.pool.registry;

import io.gdnode.pool.PoolView;

/**
 * Told when a pool comes into and goes out of a {@link SharedPoolRegistry}, for example to
 * register and remove its meters.
 */
public interface PoolListener {

	/**
	 * The registry's first client of this pool attached.
	 * @param name the name the registry reports the pool under
	 * @param pool the pool
	 */
	void poolAttached(String name, PoolView pool);

	/**
	 * The registry's last client of this pool detached.
	 * @param name the name the registry reported the pool under
	 * @param pool the pool
	 */
	void poolDetached(String name, PoolView pool);

}
