package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.client.RoleConnectionFactory;
import io.gdnode.pool.localredis.LocalRedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command timeout of the roles: 5 s by default, Spring Boot's {@code spring.data.redis.timeout}
 * when the application sets it and {@code redis.timeout.command} is not set, and a blocking
 * command timed by its own block time rather than cut at the default, against a real Redis.
 */
class CommandTimeoutTests {

	private static final Duration DEFAULT = Duration.ofSeconds(5);

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class));

	@Test
	void commandTimeoutIsFiveSecondsByDefault() {
		this.contextRunner.withPropertyValues("redis.url=" + redis.url()).run((context) -> {
			for (String factory : new String[] { "masterRedisConnectionFactory", "slaveRedisConnectionFactory",
					"localRedisConnectionFactory" }) {
				assertThat(definition(context, factory).connection().commandTimeout()).as(factory).isEqualTo(DEFAULT);
				assertThat(definition(context, factory).uri().getTimeout()).as(factory).isEqualTo(DEFAULT);
			}
		});
	}

	@Test
	void springDataRedisTimeoutReplacesTheDefaultAndRedisTimeoutCommandWinsOverBoth() {
		this.contextRunner.withPropertyValues("spring.data.redis.timeout=12s").run((context) -> {
			assertThat(definition(context, "masterRedisConnectionFactory").connection().commandTimeout())
				.isEqualTo(Duration.ofSeconds(12));
		});
		this.contextRunner.withPropertyValues("spring.data.redis.timeout=12s", "redis.timeout.command=5s")
			.run((context) -> assertThat(definition(context, "masterRedisConnectionFactory").connection()
				.commandTimeout()).isEqualTo(DEFAULT));
	}

	@Test
	void blockingPopWaitsItsBlockTimeBeyondTheDefaultCommandTimeout() {
		this.contextRunner.withPropertyValues("redis.url=" + redis.url()).run((context) -> {
			StringRedisTemplate template = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
			String key = "blpop-beyond-default-timeout";
			template.delete(key);
			// The push comes 6 s after Redis reports the pop blocked: 1 s past the 5 s default, at
			// which a pop timed by the command timeout would have failed, and 4 s before the 10 s
			// block time ends, room for a loaded machine to run the pushing thread late.
			CompletableFuture<Void> push = CompletableFuture.runAsync(() -> {
				awaitBlockedClient();
				sleep(Duration.ofSeconds(6));
				redis.command("LPUSH", key, "value");
			});
			long start = System.nanoTime();
			String popped = template.opsForList().leftPop(key, Duration.ofSeconds(10));
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			push.get(30, TimeUnit.SECONDS);
			assertThat(popped).isEqualTo("value");
			assertThat(took).isGreaterThan(Duration.ofSeconds(6));
		});
	}

	private static void awaitBlockedClient() {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!redis.command("INFO", "clients").contains("blocked_clients:1")) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("The pop never blocked on the server: " + redis.command("INFO", "clients"));
			}
			sleep(Duration.ofMillis(20));
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static PoolDefinition definition(ApplicationContext context, String factory) {
		return context.getBean(factory, RoleConnectionFactory.class).getPool().getDefinition();
	}

}
