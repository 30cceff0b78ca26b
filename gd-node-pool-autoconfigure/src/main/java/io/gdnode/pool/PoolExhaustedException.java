package io.gdnode.pool;

/**
 * Thrown when a pool has all its connections in use and none came back in time.
 */
public class PoolExhaustedException extends RuntimeException {

	private final String pool;

	private final int active;

	private final int waiting;

	/**
	 * Create the exception for the named pool.
	 */
	public PoolExhaustedException(String pool, PoolDefinition definition, int active, int waiting, Throwable cause) {
		super("Redis pool '" + pool + "' (" + definition.endpoint().address() + ") has all "
				+ definition.maxTotal() + ((definition.type() == PoolType.ASYNC) ? "" : " dedicated")
				+ " connections in use and none came back within " + definition.waitTimeout() + " (" + active
				+ " in use, " + waiting + " other callers waiting); raise " + sizeProperty(definition)
				+ " or redis.timeout.wait", cause);
		this.pool = pool;
		this.active = active;
		this.waiting = waiting;
	}

	private static String sizeProperty(PoolDefinition definition) {
		return (definition.type() == PoolType.ASYNC) ? "redis.async.pool.max"
				: "redis." + definition.role().id() + ".pool.size";
	}

	/**
	 * Return the name of the exhausted pool.
	 * @return the pool name
	 */
	public String getPool() {
		return this.pool;
	}

	/**
	 * Return how many connections of the pool were in use when the caller gave up.
	 * @return the connections in use
	 */
	public int getActive() {
		return this.active;
	}

	/**
	 * Return how many other callers were waiting for a connection when the caller gave up.
	 * @return the other waiting callers
	 */
	public int getWaiting() {
		return this.waiting;
	}

}
