package io.gdnode.pool.actuate;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.autoconfigure.RedisPoolsMetricsAutoConfiguration;
import io.gdnode.pool.client.AsyncRedisPool;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.registry.BlockingPool;
import io.gdnode.pool.registry.BlockingPools;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisPoolMetrics} under a known load on a real Redis.
 */
class RedisPoolMetricsTests {

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, RedisPoolAutoConfiguration.class,
				RedisPoolsMetricsAutoConfiguration.class))
		.withPropertyValues("redis.url=" + redis.url(), "redis.async.pool.min=2", "redis.client.name=metrics-test");

	@Test
	void metersReadTheLivePoolUnderAKnownLoad() {
		this.contextRunner.run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			context.getBean(StringRedisTemplate.class).opsForValue().set("k", "v");
			BlockingPool master = BlockingPools.open(registry, "master");
			StatefulRedisConnection<?, ?> first = master.borrow();
			StatefulRedisConnection<?, ?> second = master.borrow();
			StatefulRedisConnection<?, ?> third = master.borrow();
			master.giveBack(third);
			assertThat(gauge(meters, "redis.pool.connections.active", "master")).isEqualTo(2);
			assertThat(gauge(meters, "redis.pool.connections.idle", "master")).isEqualTo(1);
			assertThat(gauge(meters, "redis.pool.connections", "master")).isEqualTo(4);
			assertThat(gauge(meters, "redis.pool.connections.max", "master")).isEqualTo(10);
			assertThat(meters.get("redis.pool.connections.opened").tag("pool", "master").functionCounter().count())
				.isEqualTo(4);
			assertThat(meters.get("redis.pool.connections.acquire").tag("pool", "master").functionTimer().count())
				.isEqualTo(3);
			assertThat(meters.get("redis.pool.connections.active").tag("pool", "master").gauge().getId().getTag("role"))
				.isEqualTo("master");
			assertThat(meters.get("redis.pools.open").gauge().value()).isEqualTo(1);
			master.giveBack(first);
			master.giveBack(second);
			assertThat(gauge(meters, "redis.pool.connections.active", "master")).isZero();
			context.getBean(StringRedisTemplate.class).execute(new SessionCallback<>() {

				@Override
				@SuppressWarnings({ "unchecked", "rawtypes" })
				public Object execute(RedisOperations operations) {
					operations.multi();
					operations.opsForValue().set("k", "w");
					return operations.exec();
				}

			});
			// The transaction went on a connection of its own kind, neither lent nor idle.
			assertThat(meters.get("redis.pool.connections.transactions").tag("pool", "master").functionCounter().count())
				.isEqualTo(1);
			assertThat(gauge(meters, "redis.pool.connections", "master")).isEqualTo(5);
			assertThat(gauge(meters, "redis.pool.connections.active", "master")).isZero();
			assertThat(gauge(meters, "redis.pool.connections.idle", "master")).isEqualTo(3);
		});
	}

	@Test
	void asyncPoolHasTheSameMeters() {
		this.contextRunner.run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			context.getBean(AsyncRedisPool.class).execute((commands) -> commands.ping()).get(5, TimeUnit.SECONDS);
			assertThat(gauge(meters, "redis.pool.connections.min", "async")).isEqualTo(2);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> gauge(meters, "redis.pool.connections.idle", "async") >= 2);
			assertThat(meters.get("redis.pool.connections.active").tag("pool", "async").gauge().getId().getTag("type"))
				.isEqualTo("async");
		});
	}

	@Test
	void metersReadZeroAfterCleanupAndAreRemovedWithTheContext() {
		this.contextRunner.withPropertyValues("redis.timeout.idle=100ms", "redis.cleanup.interval=50ms")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				// Read while the command's connection holds its lease: the 100 ms idle timeout cannot close it yet.
				context.getBean(StringRedisTemplate.class).execute((RedisCallback<Object>) (connection) -> {
					connection.stringCommands().set("k".getBytes(), "v".getBytes());
					assertThat(gauge(meters, "redis.pool.connections", "master")).isEqualTo(1);
					return null;
				});
				await().atMost(Duration.ofSeconds(5)).until(() -> gauge(meters, "redis.pool.connections", "master") == 0);
				assertThat(meters.get("redis.pools.open").gauge().value()).isZero();
				assertThat(meters.get("redis.pool.connections.closed").tag("pool", "master").functionCounter().count())
					.isEqualTo(1);
				context.close();
				assertThat(Search.in(meters).name((name) -> name.startsWith("redis.pool.connections")).meters())
					.isEmpty();
			});
	}

	private static double gauge(MeterRegistry meters, String name, String pool) {
		return meters.get(name).tag("pool", pool).gauge().value();
	}

}
