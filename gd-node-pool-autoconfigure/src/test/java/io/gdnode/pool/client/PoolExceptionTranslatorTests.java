package io.gdnode.pool.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gdnode.pool.PoolView;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.autoconfigure.RedisPoolProperties;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link PoolExceptionTranslator} through a role's {@link StringRedisTemplate} against a
 * real Redis, paused with {@code kill -STOP} or gone: each error an operator can fix by a setting
 * names the pool, the endpoint and that setting, as environment variable and property.
 */
class PoolExceptionTranslatorTests {

	private static final AtomicInteger applications = new AtomicInteger();

	private final String application = "translator-" + applications.incrementAndGet();

	@RegisterExtension
	final LocalRedisExtension servers = LocalRedisExtension.standalone();

	private LocalRedisServer redis;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void createContextRunner() {
		this.redis = this.servers.server();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("redis.url=" + this.redis.url(), "redis.client.name=" + this.application);
	}

	@AfterEach
	void resumeRedis() {
		// A test that failed while Redis was paused leaves it paused; the extension then stops it.
		this.redis.resume();
	}

	@Test
	void commandTimeoutNamesPoolEndpointAndTheCommandTimeoutSetting() {
		this.contextRunner.withPropertyValues("redis.timeout.command=500ms").run((context) -> {
			master(context).opsForValue().set("k", "v");
			this.redis.pause();
			QueryTimeoutException failure = catchThrowableOfType(QueryTimeoutException.class,
					() -> master(context).opsForValue().set("k", "frozen"));
			assertNamesPoolEndpointAndSetting(failure, "REDIS_TIMEOUT_COMMAND (redis.timeout.command)");
		});
	}

	@Test
	void poolWaitTimeoutNamesPoolEndpointTheSizeAndTheWaitSetting() {
		this.contextRunner.withPropertyValues("redis.master.pool.size=1", "redis.timeout.wait=300ms").run((context) -> {
			StringRedisTemplate master = master(context);
			PoolView pool = context.getBean("masterRedisConnectionFactory", RoleConnectionFactory.class).getPool();
			// A blocking pop holds the pool's only dedicated connection, server-side, for 3 s.
			CompletableFuture<String> holder = CompletableFuture
				.supplyAsync(() -> master.opsForList().leftPop("empty", Duration.ofSeconds(3)));
			long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (pool.getStats().active() < 1 && System.nanoTime() < end) {
				Thread.sleep(10);
			}
			assertThat(pool.getStats().active()).isOne();
			DataAccessException failure = catchThrowableOfType(DataAccessException.class,
					() -> master.opsForList().leftPop("empty", Duration.ofSeconds(1)));
			assertNamesPoolEndpointAndSetting(failure, "REDIS_MASTER_POOL_SIZE (redis.master.pool.size)");
			assertThat(failure.getMessage()).contains("REDIS_TIMEOUT_WAIT (redis.timeout.wait)");
			assertThat(holder.get(10, TimeUnit.SECONDS)).isNull();
		});
	}

	@Test
	void connectTimeoutNamesPoolEndpointAndTheConnectTimeoutSetting() {
		this.contextRunner.withPropertyValues("redis.timeout.connect=500ms").run((context) -> {
			// The kernel still accepts the connection of a paused Redis; the handshake goes unanswered.
			this.redis.pause();
			RedisConnectionFailureException failure = catchThrowableOfType(RedisConnectionFailureException.class,
					() -> master(context).opsForValue().set("k", "v"));
			assertNamesPoolEndpointAndSetting(failure, "REDIS_TIMEOUT_CONNECT (redis.timeout.connect)");
			assertThat(failure.getMessage()).contains("not connected within 500 ms");
		});
	}

	@Test
	void refusedConnectionNamesPoolEndpointAndTheUrlSetting() {
		int closedPort = LocalRedisServer.freeLoopbackPort();
		this.contextRunner.withPropertyValues("redis.master.url=redis://127.0.0.1:" + closedPort).run((context) -> {
			RedisConnectionFailureException failure = catchThrowableOfType(RedisConnectionFailureException.class,
					() -> master(context).opsForValue().set("k", "v"));
			assertThat(failure).isNotNull();
			assertThat(failure.getMessage()).contains("Redis pool 'master'")
				.contains("redis://127.0.0.1:" + closedPort + "/0")
				.containsIgnoringCase("refused")
				.contains("REDIS_MASTER_URL (redis.master.url)");
		});
	}

	/**
	 * With the default command timeout, a write made while Redis is frozen fails within the 15 s
	 * the starter promises, saying which setting bounds it, and the first call after Redis resumes
	 * succeeds.
	 */
	@Test
	void writeWhileRedisIsFrozenFailsWithinFifteenSecondsWithDefaultsAndTheNextCallAfterResumeSucceeds() {
		Duration commandTimeout = new RedisPoolProperties().getTimeout().getCommand();
		assertThat(commandTimeout).as("default redis.timeout.command").isLessThanOrEqualTo(Duration.ofSeconds(5));
		this.contextRunner.run((context) -> {
			StringRedisTemplate master = master(context);
			master.opsForValue().set("k", "before");
			this.redis.pause();
			long start = System.nanoTime();
			DataAccessException failure;
			try {
				failure = catchThrowableOfType(DataAccessException.class, () -> master.opsForValue().set("k", "frozen"));
			}
			finally {
				this.redis.resume();
			}
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertNamesPoolEndpointAndSetting(failure, "REDIS_TIMEOUT_COMMAND (redis.timeout.command)");
			// The promise of the issue, no further margin: it is three times the default timeout.
			assertThat(took).isGreaterThanOrEqualTo(commandTimeout).isLessThan(Duration.ofSeconds(15));
			master.opsForValue().set("k", "after");
			assertThat(master.opsForValue().get("k")).isEqualTo("after");
		});
	}

	private void assertNamesPoolEndpointAndSetting(DataAccessException failure, String setting) {
		assertThat(failure).isNotNull();
		assertThat(failure.getMessage()).contains("Redis pool 'master'")
			.contains("127.0.0.1:" + this.redis.port() + "/0")
			.contains(setting);
	}

	private static StringRedisTemplate master(AssertableApplicationContext context) {
		return context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
	}

}
