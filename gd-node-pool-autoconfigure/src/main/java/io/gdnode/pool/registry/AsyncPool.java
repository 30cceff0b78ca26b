package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolExhaustedException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * A pool whose connections are lanes that calls share without blocking, Lettuce multiplexing
 * them, and that a call which cannot share acquires for itself until it releases it.
 */
public final class AsyncPool extends SharedPool<AsyncGeneration> {

	AsyncPool(PoolKey key, PoolDefinition definition, String name, ClientResources resources, Duration leakThreshold) {
		super(key, definition, name, resources, leakThreshold);
	}

	/**
	 * Run commands on a lane that other calls share at the same time; the call holds a lease on
	 * the pool, and counts in flight on its lane, until the returned stage completes.
	 * @param <T> the result type
	 * @param commands the commands, given the lane's connection, which they must not change the
	 * Redis session of
	 * @param failure what a failure of the commands, or of the wait for a lane, becomes: applied in
	 * the one stage that also ends the call, as it is on the path of every call
	 * @return the commands' result, or a failure with {@link PoolExhaustedException} when every
	 * connection stayed acquired by exclusive users for the wait timeout
	 */
	public <T> CompletableFuture<T> executeShared(
			Function<StatefulConnection<String, String>, ? extends CompletionStage<T>> commands,
			UnaryOperator<Throwable> failure) {
		AsyncGeneration generation = acquire();
		AsyncGeneration.Lane lane = generation.tryShare();
		if (lane != null) {
			this.counters.borrowed.increment();
			return run(generation, lane, commands, failure);
		}
		return generation.share().handle((shared, ex) -> {
			if (ex != null) {
				generation.release();
				return CompletableFuture.<T>failedFuture(failure.apply(ex));
			}
			this.counters.borrowed.increment();
			return run(generation, shared, commands, failure);
		}).thenCompose((result) -> result);
	}

	private static <T> CompletableFuture<T> run(AsyncGeneration generation, AsyncGeneration.Lane lane,
			Function<StatefulConnection<String, String>, ? extends CompletionStage<T>> commands,
			UnaryOperator<Throwable> failure) {
		CompletableFuture<T> result;
		try {
			result = commands.apply(lane.connection).toCompletableFuture();
		}
		catch (RuntimeException ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		return result.handle((value, ex) -> {
			generation.unshare(lane);
			generation.release();
			if (ex != null) {
				Throwable failed = failure.apply(ex);
				throw (failed instanceof CompletionException completion) ? completion : new CompletionException(failed);
			}
			return value;
		});
	}

	/**
	 * Acquire a connection for the caller alone, without blocking.
	 * @param <C> the connection type: a {@code StatefulRedisConnection}, or for a Cluster pool a
	 * {@code StatefulRedisClusterConnection}
	 * @return the connection, or a failure with {@link PoolExhaustedException} after the wait timeout
	 */
	@SuppressWarnings("unchecked")
	public <C extends StatefulConnection<String, String>> CompletableFuture<C> acquireAsync() {
		AsyncGeneration generation = acquire();
		return generation.lend().handle((lane, ex) -> {
			if (ex != null) {
				generation.release();
				return CompletableFuture.<C>failedFuture(ex);
			}
			return CompletableFuture.completedFuture((C) tracked(lane.connection));
		}).thenCompose((connection) -> connection);
	}

	/**
	 * Give back a connection from {@link #acquireAsync()}: shared again when its user left nothing
	 * on the Redis session, closed otherwise.
	 * @param connection the connection
	 * @return completes when the connection is back in the pool or closing
	 */
	public CompletableFuture<Void> releaseAsync(StatefulConnection<String, String> connection) {
		untrack(connection);
		AsyncGeneration generation = current();
		AsyncGeneration.Lane lane = (generation != null) ? generation.lentLane(connection) : null;
		if (lane == null) {
			return connection.closeAsync();
		}
		try {
			generation.giveBack(lane);
		}
		finally {
			generation.release();
		}
		return CompletableFuture.completedFuture(null);
	}

	@Override
	AsyncGeneration openGeneration() {
		return new AsyncGeneration(this.opener, this.uri, this.name, this.definition, this.counters);
	}

}
