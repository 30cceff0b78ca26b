package io.gdnode.pool.topology;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gdnode.pool.PoolNode;
import io.gdnode.pool.PoolStats;
import io.gdnode.pool.PoolView;
import io.gdnode.pool.actuate.RedisPoolProbes;
import io.gdnode.pool.actuate.RolePoolHealthIndicator;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.autoconfigure.RedisPoolsHealthContributorAutoConfiguration;
import io.gdnode.pool.autoconfigure.RedisPoolsMetricsAutoConfiguration;
import io.gdnode.pool.client.RoleConnectionFactory;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * The slave role over a master and two real replicas ({@code --replicaof}): reads are spread over
 * the replicas, writes reach the master only, reads survive replicas going away, and a replica
 * that was down when the pool opened is read once it is back.
 */
class ReplicaTopologyTests {

	private static final int KEYS = 100;

	@RegisterExtension
	final LocalRedisExtension redis = LocalRedisExtension.standalone().withReplicas(2);

	private LocalRedisServer master;

	private LocalRedisServer first;

	private LocalRedisServer second;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void createContextRunner() {
		this.master = this.redis.server();
		this.first = this.redis.replicas().get(0);
		this.second = this.redis.replicas().get(1);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class))
			.withPropertyValues("redis.master.url=" + this.master.url(),
					"redis.slave.url=" + this.first.url() + ", " + this.second.url(), "redis.timeout.command=2s",
					"redis.client.name=replica-test");
	}

	@Test
	void readsAreSpreadOverReplicasAndWritesReachOnlyTheMaster() {
		this.contextRunner.run((context) -> {
			writeKeys(context);
			readKeys(context);
			assertThat(calls(this.first, "get")).isGreaterThan(KEYS / 5);
			assertThat(calls(this.second, "get")).isGreaterThan(KEYS / 5);
			assertThat(calls(this.master, "get")).isZero();
			// Replicas are read-only: a write sent to one would have failed with READONLY.
			slave(context).opsForValue().set("written-through-slave", "v");
			assertThat(this.master.command("GET", "written-through-slave")).isEqualTo("v");
			assertThat(calls(this.master, "set")).isEqualTo(KEYS + 1);
			PoolStats stats = context.getBean(SharedPoolRegistry.class).getPoolStats("slave");
			assertThat(stats.topology()).isEqualTo("replicas");
			assertThat(stats.reads()).isEqualTo("replicas-then-master");
			assertThat(stats.nodes()).containsExactlyInAnyOrder(new PoolNode("127.0.0.1:" + this.master.port(), "master"),
					new PoolNode("127.0.0.1:" + this.first.port(), "replica"),
					new PoolNode("127.0.0.1:" + this.second.port(), "replica"));
		});
	}

	@Test
	void readsContinueOnTheOtherReplicaAndFallBackToTheMasterWhenNoneIsLeft() {
		this.contextRunner.run((context) -> {
			writeKeys(context);
			readKeys(context);
			this.first.close();
			settle(context);
			long before = calls(this.second, "get");
			readKeys(context);
			assertThat(calls(this.second, "get") - before).isEqualTo(KEYS);
			this.second.close();
			settle(context);
			long onMaster = calls(this.master, "get");
			readKeys(context);
			assertThat(calls(this.master, "get") - onMaster).isEqualTo(KEYS);
		});
	}

	@Test
	void aListedReplicaDownWhenThePoolOpensIsReadOnceItIsBack() {
		replicaDownWhenThePoolOpensIsReadOnceItIsBack(this.contextRunner);
	}

	@Test
	void aDiscoveredReplicaDownWhenThePoolOpensIsReadOnceItIsBack() {
		replicaDownWhenThePoolOpensIsReadOnceItIsBack(
				this.contextRunner.withPropertyValues("redis.slave.url=", "redis.slave.discovery=1"));
	}

	private void replicaDownWhenThePoolOpensIsReadOnceItIsBack(ApplicationContextRunner contextRunner) {
		this.second.kill();
		// The keepalive interval is also how often the pool looks for servers it does not know.
		contextRunner.withPropertyValues("redis.timeout.keepalive=1s").run((context) -> {
			write(context);
			await().atMost(Duration.ofSeconds(5)).until(() -> replicated(this.first));
			readKeys(context);
			assertThat(calls(this.first, "get")).isEqualTo(KEYS);
			PoolNode second = new PoolNode("127.0.0.1:" + this.second.port(), "replica");
			assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats("slave").nodes()).doesNotContain(second);
			this.second = this.redis.restart(this.second);
			await().atMost(Duration.ofSeconds(5)).until(() -> replicated(this.second));
			long back = System.nanoTime();
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				readKeys(context);
				return calls(this.second, "get") > 0;
			});
			System.out.println("Replica back: read again " + Duration.ofNanos(System.nanoTime() - back).toMillis()
					+ " ms after it had caught up (keepalive 1 s, "
					+ context.getBean(SharedPoolRegistry.class).getPoolStats("slave").topology() + ")");
			assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats("slave").nodes()).contains(second);
			long onFirst = calls(this.first, "get");
			long onSecond = calls(this.second, "get");
			readKeys(context);
			assertThat(calls(this.first, "get") - onFirst).isGreaterThan(KEYS / 5);
			assertThat(calls(this.second, "get") - onSecond).isGreaterThan(KEYS / 5);
		});
	}

	@Test
	void readsFailClearlyWhenNoReplicaIsLeftAndFallBackIsOff() {
		this.contextRunner.withPropertyValues("redis.slave.fallback=none").run((context) -> {
			writeKeys(context);
			readKeys(context);
			this.first.close();
			this.second.close();
			long start = System.nanoTime();
			assertThatException().isThrownBy(() -> slave(context).opsForValue().get("key-1"))
				.withMessageContaining("Redis pool 'slave'")
				.withMessageContaining("no replica is reachable, and reads stay off the master as "
						+ "REDIS_SLAVE_FALLBACK (redis.slave.fallback) is none");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
			assertThat(calls(this.master, "get")).isZero();
		});
	}

	@Test
	void replicasAreDiscoveredFromTheMaster() {
		this.contextRunner.withPropertyValues("redis.slave.url=", "redis.slave.discovery=1").run((context) -> {
			writeKeys(context);
			readKeys(context);
			assertThat(calls(this.first, "get") + calls(this.second, "get")).isEqualTo(KEYS);
			assertThat(calls(this.first, "get")).isPositive();
			assertThat(calls(this.second, "get")).isPositive();
			assertThat(calls(this.master, "get")).isZero();
			assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats("slave").topology()).isEqualTo("discovered");
		});
	}

	@Test
	void applicationsShareOneSlavePoolAndIdleCleanupClosesItsConnectionsOnEveryServer() {
		this.contextRunner.withPropertyValues("redis.timeout.idle=300ms", "redis.cleanup.interval=100ms")
			.run((context) -> {
				writeKeys(context);
				this.contextRunner.run((other) -> {
					readKeys(other);
					assertThat(slavePool(other)).isSameAs(slavePool(context));
					assertThat(slavePool(context).getStats().clients()).isEqualTo(2);
				});
				// Where reads go is part of the pool's identity.
				this.contextRunner.withPropertyValues("redis.slave.fallback=none")
					.run((strict) -> assertThat(slavePool(strict)).isNotSameAs(slavePool(context)));
				readKeys(context);
				SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> registry.getOpenPool("slave") == null);
				for (LocalRedisServer server : List.of(this.master, this.first, this.second)) {
					assertThat(server.clientsNamed("replica-test-slave")).as("port " + server.port()).isZero();
				}
				readKeys(context);
				assertThat(registry.getOpenPool("slave")).isNotNull();
			});
	}

	@Test
	void metersAndHealthShowTheServersOfEachPoolAndTheirRole() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, RedisPoolsMetricsAutoConfiguration.class,
					RedisPoolsHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withPropertyValues("redis.health.timeout=1s")
			.run((context) -> {
				writeKeys(context);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(nodes(meters, "slave", "replica")).isEqualTo(2);
				assertThat(nodes(meters, "slave", "master")).isEqualTo(1);
				assertThat(meters.get("redis.pool.nodes").tags("pool", "slave").meters())
					.allSatisfy((meter) -> assertThat(meter.getId().getTag("topology")).isEqualTo("replicas"));
				assertThat(nodes(meters, "master", "standalone")).isEqualTo(1);
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				IndicatedHealthDescriptor slave = (IndicatedHealthDescriptor) health.healthForPath("redis", "slave");
				assertThat(slave.getStatus()).isEqualTo(Status.UP);
				assertThat(slave.getDetails()).containsEntry("topology", "replicas");
				assertThat(slave.getDetails().get("nodes")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(3);
				this.first.close();
				assertThat(health.healthForPath("redis", "slave").getStatus()).isEqualTo(Status.UP);
				this.second.close();
				// Reads would still be answered, by the master: the slave role is degraded, not down,
				// once the last success of the pool of replicas is no longer reused.
				long end = System.nanoTime() + RedisPoolProbes.TOPOLOGY_ANSWER_REUSE.plusSeconds(5).toNanos();
				while (health.healthForPath("redis", "slave").getStatus() == Status.UP && System.nanoTime() < end) {
					Thread.sleep(200);
				}
				assertThat(health.healthForPath("redis", "slave").getStatus())
					.isEqualTo(RolePoolHealthIndicator.DEGRADED);
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			});
	}

	private static double nodes(MeterRegistry meters, String pool, String nodeRole) {
		return meters.get("redis.pool.nodes").tags("pool", pool, "node_role", nodeRole).gauge().value();
	}

	private static PoolView slavePool(ApplicationContext context) {
		return context.getBean("slaveRedisConnectionFactory", RoleConnectionFactory.class).getPool();
	}

	private void writeKeys(ApplicationContext context) {
		write(context);
		await().atMost(Duration.ofSeconds(5)).until(() -> replicated(this.first) && replicated(this.second));
	}

	private static void write(ApplicationContext context) {
		StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
		for (int i = 0; i < KEYS; i++) {
			master.opsForValue().set("key-" + i, "value-" + i);
		}
	}

	private boolean replicated(LocalRedisServer replica) {
		return "1".equals(replica.command("EXISTS", "key-" + (KEYS - 1)));
	}

	/**
	 * Wait, within a bound, until a read succeeds: a read racing the loss of its replica's
	 * connection may time out before the client notices the connection has gone.
	 */
	private static void settle(ApplicationContext context) {
		await().atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.until(() -> "value-0".equals(slave(context).opsForValue().get("key-0")));
	}

	private static void readKeys(ApplicationContext context) {
		StringRedisTemplate slave = slave(context);
		for (int i = 0; i < KEYS; i++) {
			assertThat(slave.opsForValue().get("key-" + i)).isEqualTo("value-" + i);
		}
	}

	private static StringRedisTemplate slave(ApplicationContext context) {
		return context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class);
	}

	/**
	 * Return how many times a server ran a command, from {@code INFO commandstats}.
	 */
	static long calls(LocalRedisServer server, String command) {
		Matcher matcher = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)")
			.matcher(server.command("INFO", "commandstats"));
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

}
