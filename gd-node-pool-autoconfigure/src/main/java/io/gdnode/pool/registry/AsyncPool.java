package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolExhaustedException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * A pool whose connections are acquired without blocking, each by one caller until released.
 */
public final class AsyncPool extends SharedPool<AsyncGeneration> {

	AsyncPool(PoolKey key, PoolDefinition definition, String name, ClientResources resources, Duration leakThreshold) {
		super(key, definition, name, resources, leakThreshold);
	}

	/**
	 * Acquire a connection without blocking.
	 * @param <C> the connection type: a {@code StatefulRedisConnection}, or for a Cluster pool a
	 * {@code StatefulRedisClusterConnection}
	 * @return the connection, or a failure with {@link PoolExhaustedException} after the wait timeout
	 */
	@SuppressWarnings("unchecked")
	public <C extends StatefulConnection<String, String>> CompletableFuture<C> acquireAsync() {
		AsyncGeneration generation = acquire();
		return generation.acquire().handle((connection, ex) -> {
			if (ex != null) {
				generation.release();
				return CompletableFuture.<C>failedFuture(ex);
			}
			return CompletableFuture.completedFuture((C) tracked(connection));
		}).thenCompose((connection) -> connection);
	}

	/**
	 * Give back a connection from {@link #acquireAsync()}.
	 * @param connection the connection
	 * @return completes when the connection is back in the pool
	 */
	public CompletableFuture<Void> releaseAsync(StatefulConnection<String, String> connection) {
		untrack(connection);
		AsyncGeneration generation = current();
		if (generation != null) {
			return generation.release(connection).whenComplete((ignored, ex) -> generation.release());
		}
		return connection.closeAsync();
	}

	@Override
	AsyncGeneration openGeneration() {
		return new AsyncGeneration(this.opener, this.uri, this.name, this.definition, this.counters);
	}

}
