package io.gdnode.pool;

/**
 * Thrown when a pool is asked to close while it is in use.
 */
public class PoolInUseException extends RuntimeException {

	/**
	 * Create the exception for the named pool.
	 */
	public PoolInUseException(String pool, int leases, int active, int waiting) {
		super("Redis pool '" + pool + "' is in use (" + leases + " lease(s), " + active + " connection(s) lent, "
				+ waiting + " caller(s) waiting) and was not closed; try again when it is idle");
	}

}
