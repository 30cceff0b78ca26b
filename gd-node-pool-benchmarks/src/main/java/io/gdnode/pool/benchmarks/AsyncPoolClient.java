package io.gdnode.pool.benchmarks;

import java.util.concurrent.CompletionStage;

import io.gdnode.pool.client.AsyncRedisPool;

/**
 * The async workload through the starter's {@link AsyncRedisPool}, one {@code execute} per command.
 */
final class AsyncPoolClient implements ThroughputClient {

	private final AsyncRedisPool pool;

	private final AutoCloseable application;

	/**
	 * @param application what to close with the client: the application the pool belongs to
	 */
	AsyncPoolClient(AsyncRedisPool pool, AutoCloseable application) {
		this.pool = pool;
		this.application = application;
	}

	@Override
	public CompletionStage<?> asyncSetOrGet(String key, String valueOrNull) {
		return this.pool.execute((commands) -> (valueOrNull != null) ? commands.set(key, valueOrNull)
				: commands.get(key));
	}

	@Override
	public void close() throws Exception {
		this.application.close();
	}

}
