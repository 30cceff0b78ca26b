package io.gdnode.pool.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.gdnode.pool.registry.BlockingPool;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionProvider;

/**
 * Hands Spring Data Redis dedicated connections borrowed from a registry pool, and subscription
 * connections opened for the subscription alone. A failure to get one is the
 * {@link RedisConnectionFailureException} Spring Data Redis makes of it, with a message that names
 * the pool, its endpoint and the setting to change (a full pool, a connect timeout).
 * <p>
 * Reactive connections come from the same pool as blocking ones, seen through the reactive codec,
 * and an asynchronous request waits for its connection on the pool's connect executor, never on
 * the caller's thread (a Reactor or Netty thread in a reactive application).
 */
final class RegistryConnectionProvider implements LettuceConnectionProvider {

	private final BlockingPool pool;

	/** The codec of the connections handed out when it is not the pool's own; {@code null} otherwise. */
	private final RedisCodec<?, ?> reactiveCodec;

	private final PoolExceptionTranslator exceptionTranslator;

	private RegistryConnectionProvider(BlockingPool pool, RedisCodec<?, ?> reactiveCodec,
			PoolExceptionTranslator exceptionTranslator) {
		this.pool = pool;
		this.reactiveCodec = reactiveCodec;
		this.exceptionTranslator = exceptionTranslator;
	}

	/**
	 * Return a provider of the pool's connections as they are.
	 */
	static RegistryConnectionProvider of(BlockingPool pool, PoolExceptionTranslator exceptionTranslator) {
		return new RegistryConnectionProvider(pool, null, exceptionTranslator);
	}

	/**
	 * Return a provider of the pool's {@code byte[]} connections seen as reactive ({@code ByteBuffer}) ones.
	 */
	static RegistryConnectionProvider reactive(BlockingPool pool, RedisCodec<?, ?> reactiveCodec,
			PoolExceptionTranslator exceptionTranslator) {
		return new RegistryConnectionProvider(pool, reactiveCodec, exceptionTranslator);
	}

	@Override
	public <T extends StatefulConnection<?, ?>> T getConnection(Class<T> connectionType) {
		try {
			if (StatefulRedisPubSubConnection.class.isAssignableFrom(connectionType)) {
				return connectionType
					.cast((this.reactiveCodec != null) ? this.pool.connectPubSub(this.reactiveCodec) : this.pool.connectPubSub());
			}
			return connectionType.cast((this.reactiveCodec != null) ? this.pool.borrowReactive() : this.pool.borrow());
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
		// Borrowing may wait (a full pool, a connect): never on the caller's thread, which may be an event loop.
		return CompletableFuture.supplyAsync(() -> getConnection(connectionType), this.pool.connectExecutor());
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
		if (connection instanceof StatefulRedisPubSubConnection) {
			// Closing waits for the channel to close, which the event loop a reactive caller may be on must not do.
			return connection.closeAsync();
		}
		this.pool.giveBack(connection);
		return CompletableFuture.completedFuture(null);
	}

}
