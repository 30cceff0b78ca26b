package io.gdnode.pool.connect;

import java.util.List;

import io.gdnode.pool.Endpoint;
import io.gdnode.pool.PoolFailure;
import io.gdnode.pool.PoolLimit;
import io.lettuce.core.RedisConnectionException;

/**
 * A pool could not open a connection. Still the {@link RedisConnectionException} that Lettuce
 * throws, so Spring Data Redis translates it as it always has, with the pool, its endpoint and
 * the setting that decided the failure as facts.
 */
public class PoolConnectException extends RedisConnectionException implements PoolFailure {

	private final String pool;

	private final Endpoint endpoint;

	private final PoolLimit limit;

	/**
	 * Create the exception.
	 * @param message what happened, naming the pool and where it connects
	 * @param pool the pool name
	 * @param endpoint where the pool connects
	 * @param limit the setting that bounded or decided the failure
	 * @param cause what failed
	 */
	public PoolConnectException(String message, String pool, Endpoint endpoint, PoolLimit limit, Throwable cause) {
		super(message, cause);
		this.pool = pool;
		this.endpoint = endpoint;
		this.limit = limit;
	}

	/**
	 * Return the same failure with more words at the end of its message: for a caller that is
	 * given a previous failure again, or the setting to change, which the layers that know the
	 * configuration add.
	 * @param more the words to add
	 * @return a new exception with this one as its cause
	 */
	public PoolConnectException withMore(String more) {
		return new PoolConnectException(getMessage() + more, this.pool, this.endpoint, this.limit, this);
	}

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
		return List.of(this.limit);
	}

	/**
	 * Return the setting that bounded or decided the failure.
	 * @return the limit
	 */
	public PoolLimit getLimit() {
		return this.limit;
	}

}
