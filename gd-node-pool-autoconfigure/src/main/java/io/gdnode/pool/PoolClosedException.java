package io.gdnode.pool;

/**
 * Thrown to a caller that waited for a connection of a pool that closed meanwhile, because the
 * application is shutting down or the pool's last client has gone.
 */
public class PoolClosedException extends IllegalStateException {

	private final String pool;

	/**
	 * Create the exception for the named pool.
	 */
	public PoolClosedException(String pool, String endpoint, Throwable cause) {
		super("Redis pool '" + pool + "' (" + endpoint + ") is closed: the application is shutting down"
				+ " or the pool's last client has gone; no connection was handed out", cause);
		this.pool = pool;
	}

	/**
	 * Return the name of the closed pool.
	 * @return the pool name
	 */
	public String getPool() {
		return this.pool;
	}

}
