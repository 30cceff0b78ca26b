package io.gdnode.pool.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.gdnode.pool.PoolExhaustedException;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.connect.PoolConnectException;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.lettuce.core.RedisCommandTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link AsyncRedisPool}: its failures name the pool, its endpoint and the setting to
 * change, against a real redis-server that is paused, busy or gone.
 */
class AsyncRedisPoolTests {

	@RegisterExtension
	static final LocalRedisExtension servers = LocalRedisExtension.standalone();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class))
		.withPropertyValues("redis.url=" + servers.url(), "redis.client.name=async-errors");

	@AfterEach
	void resumeRedis() {
		servers.server().resume();
	}

	@Test
	void commandTimeoutNamesPoolEndpointAndTheCommandTimeoutSetting() {
		this.contextRunner.withPropertyValues("redis.timeout.command=500ms").run((context) -> {
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			assertThat(pool.execute((commands) -> commands.set("k", "v")).get(5, TimeUnit.SECONDS)).isEqualTo("OK");
			servers.server().pause();
			RedisCommandTimeoutException failure = failure(pool.execute((commands) -> commands.get("k")),
					RedisCommandTimeoutException.class);
			assertNamesPoolAndEndpoint(failure, context);
			assertThat(failure).hasMessageEndingWith("; raise REDIS_TIMEOUT_COMMAND (redis.timeout.command)");
			servers.server().resume();
			assertThat(pool.execute((commands) -> commands.get("k")).get(5, TimeUnit.SECONDS)).isEqualTo("v");
		});
	}

	@Test
	void fullPoolNamesPoolEndpointAndTheSizeAndWaitSettings() {
		this.contextRunner.withPropertyValues("redis.async.pool.min=0", "redis.async.pool.max=1", "redis.timeout.wait=200ms")
			.run((context) -> {
				AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
				CompletableFuture<String> holding = new CompletableFuture<>();
				CompletableFuture<String> held = pool.execute((commands) -> holding);
				PoolExhaustedException failure = failure(pool.execute((commands) -> commands.ping()),
						PoolExhaustedException.class);
				assertNamesPoolAndEndpoint(failure, context);
				assertThat(failure).hasMessageEndingWith(
						"; raise REDIS_ASYNC_POOL_MAX (redis.async.pool.max) or REDIS_TIMEOUT_WAIT (redis.timeout.wait)");
				holding.complete("done");
				assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("done");
			});
	}

	@Test
	void refusedConnectionNamesPoolEndpointAndTheUrlSetting() {
		int closedPort = LocalRedisServer.freeLoopbackPort();
		this.contextRunner.withPropertyValues("redis.async.url=redis://127.0.0.1:" + closedPort).run((context) -> {
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			PoolConnectException failure = failure(pool.execute((commands) -> commands.ping()),
					PoolConnectException.class);
			assertThat(failure).hasMessageContaining("Redis pool 'async'").hasMessageContaining(":" + closedPort);
			assertThat(failure).hasMessageEndingWith("; check REDIS_ASYNC_URL (redis.async.url)");
		});
	}

	private static <T extends Throwable> T failure(CompletableFuture<?> result, Class<T> type) {
		ExecutionException failure = catchThrowableOfType(ExecutionException.class,
				() -> result.get(Duration.ofSeconds(15).toMillis(), TimeUnit.MILLISECONDS));
		assertThat(failure).as("the call failed").isNotNull();
		assertThat(failure.getCause()).isInstanceOf(type);
		return type.cast(failure.getCause());
	}

	private static void assertNamesPoolAndEndpoint(Throwable failure, AssertableApplicationContext context) {
		assertThat(failure).hasMessageContaining("Redis pool 'async'")
			.hasMessageContaining(context.getBean(AsyncRedisPool.class).getPool().getEndpoint().address());
	}

}
