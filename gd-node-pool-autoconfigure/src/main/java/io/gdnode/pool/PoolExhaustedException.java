package io.gdnode.pool;

import java.util.List;

/**
 * Thrown when a pool has all its connections in use and none came back in time: bounded by the
 * pool's size and its wait timeout.
 */
public class PoolExhaustedException extends RuntimeException implements PoolFailure {

	private final String pool;

	private final Endpoint endpoint;

	private final int active;

	private final int waiting;

	/**
	 * Create the exception for the named pool.
	 */
	public PoolExhaustedException(String pool, PoolDefinition definition, int active, int waiting, Throwable cause) {
		super("Redis pool '" + pool + "' (" + definition.endpoint().address() + ") has all "
				+ definition.maxTotal() + ((definition.type() == PoolType.ASYNC) ? "" : " dedicated")
				+ " connections in use and none came back within " + definition.waitTimeout() + " (" + active
				+ " in use, " + waiting + " other callers waiting)", cause);
		this.pool = pool;
		this.endpoint = definition.endpoint();
		this.active = active;
		this.waiting = waiting;
	}

	private PoolExhaustedException(PoolExhaustedException failure, String more) {
		super(failure.getMessage() + more, failure);
		this.pool = failure.pool;
		this.endpoint = failure.endpoint;
		this.active = failure.active;
		this.waiting = failure.waiting;
	}

	/**
	 * Return the same failure with more words at the end of its message, such as the setting to
	 * change, which the layers that know the configuration add.
	 * @param more the words to add
	 * @return a new exception with this one as its cause
	 */
	public PoolExhaustedException withMore(String more) {
		return new PoolExhaustedException(this, more);
	}

	/**
	 * Return the name of the exhausted pool.
	 * @return the pool name
	 */
	@Override
	public String getPool() {
		return this.pool;
	}

	@Override
	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	@Override
	public List<PoolLimit> getLimits() {
		return List.of(PoolLimit.POOL_SIZE, PoolLimit.WAIT_TIMEOUT);
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
