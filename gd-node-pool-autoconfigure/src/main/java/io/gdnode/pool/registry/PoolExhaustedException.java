package io.gdnode.pool.registry;

/**
 * Thrown when a pool has all its connections in use and none came back in time.
 */
public class PoolExhaustedException extends RuntimeException {

	private final String pool;

	PoolExhaustedException(String pool, String message, Throwable cause) {
		super(message, cause);
		this.pool = pool;
	}

	/**
	 * Return the name of the exhausted pool.
	 * @return the pool name
	 */
	public String getPool() {
		return this.pool;
	}

}
