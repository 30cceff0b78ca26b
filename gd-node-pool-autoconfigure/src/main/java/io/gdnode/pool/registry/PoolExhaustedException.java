package io.gdnode.pool.registry;

/**
 * Thrown when a pool has all its connections in use and none came back in time.
 */
public class PoolExhaustedException extends RuntimeException {

	private final String pool;

	PoolExhaustedException(String pool, PoolDefinition definition, Throwable cause) {
		super("Redis pool '" + pool + "' (" + PoolKey.endpoint(definition.uri()) + ") has all "
				+ definition.maxTotal() + ((definition.type() == PoolType.ASYNC) ? "" : " dedicated") + " connections in use and none came back within " + definition.waitTimeout()
				+ "; raise " + sizeProperty(definition) + " or redis.timeout.wait", cause);
		this.pool = pool;
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

}
