package io.gdnode.pool.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import io.gdnode.pool.registry.BlockingPool;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.util.concurrent.FastThreadLocalThread;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionProvider;

/**
 * Hands Spring Data Redis dedicated connections borrowed from a registry pool, and subscription
 * connections opened for the subscription alone. A failure to get one is the
 * {@link RedisConnectionFailureException} Spring Data Redis makes of it, with a message that names
 * the pool, its endpoint and the setting to change (a full pool, a connect timeout).
 */
final class RegistryConnectionProvider implements LettuceConnectionProvider {

	private final BlockingPool pool;

	private final Executor blockingExecutor;

	private final PoolExceptionTranslator exceptionTranslator;

	RegistryConnectionProvider(BlockingPool pool, Executor blockingExecutor, PoolExceptionTranslator exceptionTranslator) {
		this.pool = pool;
		this.blockingExecutor = blockingExecutor;
		this.exceptionTranslator = exceptionTranslator;
	}

	@Override
	public <T extends StatefulConnection<?, ?>> T getConnection(Class<T> connectionType) {
		try {
			if (StatefulRedisPubSubConnection.class.isAssignableFrom(connectionType)) {
				return connectionType.cast(this.pool.connectPubSub());
			}
			return connectionType.cast(this.pool.borrow());
		}
		catch (DataAccessException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// Spring Data Redis's own words and type for it, which its provider would otherwise give without the pool.
			throw this.exceptionTranslator.translate(new RedisConnectionFailureException("Unable to connect to Redis", ex));
		}
	}

	@Override
	public <T extends StatefulConnection<?, ?>> CompletionStage<T> getConnectionAsync(Class<T> connectionType) {
		// Borrowing may block (connecting, or waiting on a full pool): never on an event loop thread.
		if (Thread.currentThread() instanceof FastThreadLocalThread) {
			return CompletableFuture.supplyAsync(() -> getConnection(connectionType), this.blockingExecutor);
		}
		try {
			return CompletableFuture.completedFuture(getConnection(connectionType));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public void release(StatefulConnection<?, ?> connection) {
		if (connection instanceof StatefulRedisPubSubConnection) {
			connection.close();
		}
		else {
			this.pool.giveBack(connection);
		}
	}

	@Override
	public CompletableFuture<Void> releaseAsync(StatefulConnection<?, ?> connection) {
		release(connection);
		return CompletableFuture.completedFuture(null);
	}

}
