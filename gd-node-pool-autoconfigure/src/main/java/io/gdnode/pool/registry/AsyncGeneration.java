package io.gdnode.pool.registry;

import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolExhaustedException;
import io.gdnode.pool.connect.ConnectFailure;
import io.gdnode.pool.connect.ConnectionOpener;
import io.gdnode.pool.connect.SessionTracker;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.support.AsyncObjectFactory;
import io.lettuce.core.support.BoundedAsyncPool;
import io.lettuce.core.support.BoundedPoolConfig;

/**
 * A generation of an async pool: Lettuce's non-blocking {@link BoundedAsyncPool}, which opens its
 * minimum of connections when created. That pool fails at once when exhausted, so callers wait
 * here, in a queue bounded by the wait timeout, for the next connection given back.
 */
final class AsyncGeneration extends PoolGeneration {

	private final String name;

	private final PoolDefinition definition;

	/** The connections, each acquired by one caller at a time. */
	private final BoundedAsyncPool<StatefulConnection<String, String>> dedicated;

	private final Queue<CompletableFuture<StatefulConnection<String, String>>> waiters = new ConcurrentLinkedQueue<>();

	AsyncGeneration(ConnectionOpener opener, RedisURI uri, String name, PoolDefinition definition,
			PoolCounters counters) {
		super(counters);
		this.name = name;
		this.definition = definition;
		// Unpooled: keep nothing idle, so every connection is closed when given back; max still bounds them.
		BoundedPoolConfig config = BoundedPoolConfig.builder()
			.maxTotal(definition.maxTotal())
			.maxIdle(definition.pooled() ? definition.maxTotal() : 0)
			.minIdle(definition.pooled() ? definition.minIdle() : 0)
			.testOnAcquire()
			.testOnRelease()
			.build();
		this.dedicated = new BoundedAsyncPool<>(new ConnectionFactory(opener, uri, counters), config);
	}

	@Override
	StatefulConnection<?, ?> openSharedConnection() {
		// Every connection of an async pool is acquired by one caller at a time.
		return null;
	}

	CompletableFuture<StatefulConnection<String, String>> acquire() {
		long start = System.nanoTime();
		return this.dedicated.acquire().handle((connection, ex) -> {
			if (ex == null) {
				return CompletableFuture.completedFuture(connection);
			}
			return isExhausted(ex) ? awaitRelease() : CompletableFuture.<StatefulConnection<String, String>>failedFuture(ex);
		}).thenCompose((future) -> future).whenComplete((connection, ex) -> {
			if (connection != null) {
				this.counters.acquired(start);
			}
		});
	}

	CompletableFuture<Void> release(StatefulConnection<String, String> connection) {
		return this.dedicated.release(connection).whenComplete((ignored, ex) -> handOver());
	}

	private static boolean isExhausted(Throwable ex) {
		return ConnectFailure.unwrap(ex) instanceof NoSuchElementException;
	}

	private CompletableFuture<StatefulConnection<String, String>> awaitRelease() {
		CompletableFuture<StatefulConnection<String, String>> waiter = new CompletableFuture<>();
		this.waiters.add(waiter);
		// A connection given back before we queued would otherwise wait for the next release.
		handOver();
		long millis = this.definition.waitTimeout().toMillis();
		return waiter.orTimeout(millis, TimeUnit.MILLISECONDS).whenComplete((connection, ex) -> {
			this.waiters.remove(waiter);
		}).exceptionallyCompose((ex) -> CompletableFuture.failedFuture(
				(ConnectFailure.unwrap(ex) instanceof TimeoutException) ? exhausted(ConnectFailure.unwrap(ex)) : ex));
	}

	private void handOver() {
		if (this.waiters.isEmpty()) {
			return;
		}
		this.dedicated.acquire().whenComplete((connection, ex) -> {
			if (ex != null) {
				return;
			}
			CompletableFuture<StatefulConnection<String, String>> waiter;
			while ((waiter = this.waiters.poll()) != null) {
				if (waiter.complete(connection)) {
					return;
				}
			}
			this.dedicated.release(connection);
		});
	}

	private PoolExhaustedException exhausted(Throwable cause) {
		this.counters.timeouts.increment();
		return new PoolExhaustedException(this.name, this.definition, active(), waiting(), cause);
	}

	@Override
	int active() {
		return Math.max(this.dedicated.getObjectCount() - this.dedicated.getIdle(), 0);
	}

	@Override
	int idle() {
		return this.dedicated.getIdle();
	}

	@Override
	int waiting() {
		return this.waiters.size();
	}

	@Override
	int evictIdle() {
		int idle = this.dedicated.getIdle();
		this.dedicated.clear();
		return idle;
	}

	@Override
	int connections() {
		return this.dedicated.getObjectCount();
	}

	@Override
	void close() {
		this.dedicated.closeAsync().orTimeout(this.definition.waitTimeout().toMillis(), TimeUnit.MILLISECONDS).join();
	}

	private record ConnectionFactory(ConnectionOpener opener, RedisURI uri,
			PoolCounters counters) implements AsyncObjectFactory<StatefulConnection<String, String>> {

		@Override
		public CompletableFuture<StatefulConnection<String, String>> create() {
			return this.opener.openAsync(StringCodec.UTF8, this.uri)
				.thenApply((connection) -> {
					this.counters.created.increment();
					return connection;
				});
		}

		@Override
		public CompletableFuture<Void> destroy(StatefulConnection<String, String> connection) {
			return connection.closeAsync().thenRun(this.counters.destroyed::increment);
		}

		/**
		 * A connection whose borrower left anything on its Redis session (WATCH, MULTI, another
		 * database, a command unanswered) is not lent again: the pool closes it and opens a new one.
		 */
		@Override
		public CompletableFuture<Boolean> validate(StatefulConnection<String, String> connection) {
			SessionTracker session = SessionTracker.of(connection);
			return CompletableFuture.completedFuture(!this.opener.broken(connection)
					&& (session == null || session.leftover() == SessionTracker.Leftover.NOTHING));
		}

	}

}
