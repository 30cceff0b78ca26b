package io.gdnode.pool.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolExhaustedException;
import io.gdnode.pool.PoolLimit;
import io.gdnode.pool.PoolView;
import io.gdnode.pool.SharedConnectionStateException;
import io.gdnode.pool.connect.PoolConnectException;
import io.gdnode.pool.registry.AsyncPool;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.beans.factory.DisposableBean;

/**
 * The async pool: non-blocking Redis commands on pooled connections that the registry opens on
 * first use, keeps at the configured minimum while in use, and closes when idle.
 */
public class AsyncRedisPool implements DisposableBean {

	private final SharedPoolRegistry registry;

	private final AsyncPool pool;

	private final PoolSettingNames settingNames;

	private final AtomicBoolean detached = new AtomicBoolean();

	/** The guarded commands of each shared lane, by connection. */
	private final Map<StatefulConnection<String, String>, Object> guards = new ConcurrentHashMap<>();

	/**
	 * Create an async pool client attached to the registry's pool for the given definition.
	 * @param registry the registry that owns the pool
	 * @param definition the pool's definition, of type {@code async}
	 */
	public AsyncRedisPool(SharedPoolRegistry registry, PoolDefinition definition) {
		this(registry, definition, PoolSettingNames.NONE);
	}

	/**
	 * Create an async pool client whose failures also name the setting to change.
	 * @param registry the registry that owns the pool
	 * @param definition the pool's definition, of type {@code async}
	 * @param settingNames how the configuration names the pool's settings
	 */
	public AsyncRedisPool(SharedPoolRegistry registry, PoolDefinition definition, PoolSettingNames settingNames) {
		this.registry = registry;
		this.pool = registry.attachAsync(definition);
		this.settingNames = settingNames;
	}

	/**
	 * Run commands on one of the pool's connections, which other calls share at the same time
	 * (Lettuce multiplexes them), as Spring Data Redis's default factory shares one native
	 * connection: the call never waits for another call to finish. Commands that cannot share a
	 * connection (MULTI/EXEC, WATCH, SELECT, CLIENT SETNAME, AUTH, RESET, blocking commands such as
	 * BLPOP, XREAD BLOCK or WAIT) fail at once with a {@link SharedConnectionStateException}, before
	 * anything is sent: run those with {@link #executeExclusive}. Never blocks.
	 * @param <T> the result type
	 * @param commands the commands to run, returning the stage that completes when they are done
	 * @return the result
	 */
	public <T> CompletableFuture<T> execute(Function<RedisAsyncCommands<String, String>, ? extends CompletionStage<T>> commands) {
		return this.pool.executeShared(
				(connection) -> commands.apply(this.<RedisAsyncCommands<String, String>>guarded(redis(connection))),
				this::sharedFailure);
	}

	/**
	 * Like {@link #execute}, with the commands every topology offers, a Redis Cluster included
	 * (where {@link #execute} fails): on a cluster each command goes to the node that holds its key.
	 * @param <T> the result type
	 * @param commands the commands to run, returning the stage that completes when they are done
	 * @return the result
	 */
	public <T> CompletableFuture<T> executeOnAnyTopology(
			Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> commands) {
		return this.pool.executeShared(
				(connection) -> commands.apply(this.<RedisClusterAsyncCommands<String, String>>guarded(connection)),
				this::sharedFailure);
	}

	/**
	 * Run commands on a connection of their own, for what cannot share one: a transaction
	 * (MULTI/EXEC, WATCH), a blocking command (BLPOP, BRPOP, BLMOVE, BZPOPMIN, XREAD BLOCK,
	 * WAIT, ...) or a session change (SELECT, CLIENT SETNAME, ...). The connection counts against
	 * the pool's maximum until the returned stage completes; then it is shared again if the
	 * commands left nothing on the Redis session (no open MULTI, WATCH, other database, command
	 * unanswered), and closed otherwise. A full pool makes the result wait at most the pool's wait
	 * timeout. Never blocks.
	 * @param <T> the result type
	 * @param commands the commands to run, returning the stage that completes when they are done
	 * @return the result
	 */
	public <T> CompletableFuture<T> executeExclusive(
			Function<RedisAsyncCommands<String, String>, ? extends CompletionStage<T>> commands) {
		return advised(this.pool.acquireAsync()
			.thenCompose((connection) -> exclusive(connection, (c) -> commands.apply(redis(c).async()))));
	}

	/**
	 * Like {@link #executeExclusive}, with the commands every topology offers, a Redis Cluster
	 * included; on a cluster the connection is closed after use, as its session is not tracked.
	 * @param <T> the result type
	 * @param commands the commands to run, returning the stage that completes when they are done
	 * @return the result
	 */
	public <T> CompletableFuture<T> executeExclusiveOnAnyTopology(
			Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> commands) {
		return advised(this.pool.acquireAsync()
			.thenCompose((connection) -> exclusive(connection, (c) -> commands.apply(anyTopology(c)))));
	}

	private StatefulRedisConnection<String, String> redis(StatefulConnection<String, String> connection) {
		if (!(connection instanceof StatefulRedisConnection<String, String> redis)) {
			throw new UnsupportedOperationException("The async pool '" + this.pool.getName()
					+ "' talks to a Redis Cluster: use executeOnAnyTopology(...)");
		}
		return redis;
	}

	private static RedisClusterAsyncCommands<String, String> anyTopology(StatefulConnection<String, String> connection) {
		return (connection instanceof StatefulRedisConnection<String, String> redis) ? redis.async()
				: ((StatefulRedisClusterConnection<String, String>) connection).async();
	}

	/**
	 * Return the commands of a shared lane, made once per connection.
	 */
	@SuppressWarnings("unchecked")
	private <T> T guarded(StatefulConnection<String, String> connection) {
		Object guarded = this.guards.get(connection);
		if (guarded == null) {
			if (this.guards.size() > 4 * this.pool.getDefinition().maxTotal()) {
				this.guards.keySet().removeIf((lane) -> !lane.isOpen());
			}
			guarded = SharedLaneCommands.of(connection, this.pool.getName());
			this.guards.put(connection, guarded);
		}
		return (T) guarded;
	}

	private <T> CompletableFuture<T> exclusive(StatefulConnection<String, String> connection,
			Function<StatefulConnection<String, String>, ? extends CompletionStage<T>> commands) {
		CompletableFuture<T> result;
		try {
			result = commands.apply(connection).toCompletableFuture();
		}
		catch (RuntimeException ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		return result.whenComplete((value, ex) -> this.pool.releaseAsync(connection));
	}

	/**
	 * Name a shared call's failure as {@link #advised} does; a session change or blocking command
	 * that reached the lane's connection some other way is refused there, and named the same way.
	 */
	private Throwable sharedFailure(Throwable ex) {
		Throwable failure = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		if (failure instanceof SharedConnectionStateException refused
				&& !refused.getMessage().contains("executeExclusive")) {
			return SharedLaneCommands.refusal(refused.getCommand(), this.pool.getName());
		}
		return advised(failure);
	}

	/**
	 * Fail with the pool's failure, or a command timeout, completed by the setting to change.
	 */
	private <T> CompletableFuture<T> advised(CompletableFuture<T> result) {
		return result.exceptionallyCompose((ex) -> CompletableFuture.failedFuture(advised(ex)));
	}

	private Throwable advised(Throwable ex) {
		Throwable failure = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		if (failure instanceof PoolExhaustedException exhausted) {
			return exhausted.withMore(advice(exhausted.getLimits()));
		}
		// Lettuce's pool reports a connection it could not open as "Cannot allocate object", caused by ours.
		PoolConnectException connect = PoolExceptionTranslator.find(failure, PoolConnectException.class);
		if (connect != null) {
			return connect.withMore(advice(connect.getLimits()));
		}
		if (failure instanceof RedisCommandTimeoutException timeout) {
			RedisCommandTimeoutException advised = new RedisCommandTimeoutException("Redis pool '" + this.pool.getName()
					+ "' (" + this.pool.getEndpoint().url() + "): " + timeout.getMessage()
					+ advice(List.of(PoolLimit.COMMAND_TIMEOUT)));
			advised.initCause(timeout);
			return advised;
		}
		return failure;
	}

	private String advice(List<PoolLimit> limits) {
		return SettingAdvice.advice(this.settingNames, this.pool.getDefinition(), limits);
	}

	/**
	 * Return what the application may see and do with the pool behind this client.
	 * @return the async pool's view
	 */
	public PoolView getPool() {
		return this.pool;
	}

	@Override
	public void destroy() {
		if (this.detached.compareAndSet(false, true)) {
			this.registry.detach(this.pool);
		}
	}

}
