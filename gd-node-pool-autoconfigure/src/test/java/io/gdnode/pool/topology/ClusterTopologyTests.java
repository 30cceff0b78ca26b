package io.gdnode.pool.topology;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.connection.AsyncRedisPool;
import io.gdnode.pool.localredis.LocalRedisCluster;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.PoolStats;
import io.gdnode.pool.registry.SharedPoolRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The master and slave roles over a real six-node Redis Cluster (three masters, three replicas)
 * created with {@code redis-cli --cluster create}: keys across all slots are written and read,
 * slave reads come from replicas, keys keep working while slots move to another master, and after
 * {@code kill -9} of a master writes resume on its promoted replica within the bound.
 */
class ClusterTopologyTests {

	/** The failover bound the README documents, with cluster-node-timeout 1000. */
	static final Duration FAILOVER_BOUND = Duration.ofSeconds(10);

	private static final int KEYS = 600;

	private LocalRedisCluster cluster;

	@BeforeEach
	void startCluster() {
		this.cluster = LocalRedisCluster.start(3, Duration.ofSeconds(1));
	}

	@AfterEach
	void stopCluster() {
		this.cluster.close();
	}

	@Test
	void keysAcrossAllSlotsAreWrittenAndReadAndFollowReshardingAndFailover() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class))
			.withPropertyValues("redis.cluster.nodes=" + this.cluster.seeds(), "redis.timeout.command=1s",
					"redis.timeout.connect=1s", "redis.client.name=cluster-test")
			.run((context) -> {
				StringRedisTemplate writes = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
				StringRedisTemplate reads = context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class);
				IntStream.range(0, KEYS).forEach((i) -> writes.opsForValue().set("key-" + i, "value-" + i));
				List<LocalRedisServer> masters = this.cluster.masters();
				assertThat(masters).hasSize(3).allSatisfy((master) -> assertThat(dbSize(master)).isGreaterThan(KEYS / 6));
				assertThat(masters.stream().mapToLong(ClusterTopologyTests::dbSize).sum()).isEqualTo(KEYS);
				// Replication is asynchronous: wait until every replica holds as many keys as the masters.
				await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.nodes().stream()
					.mapToLong(ClusterTopologyTests::dbSize).sum() == 2 * KEYS);
				IntStream.range(0, KEYS).forEach((i) -> assertThat(reads.opsForValue().get("key-" + i))
					.isEqualTo("value-" + i));
				assertThat(masters.stream().mapToLong((master) -> ReplicaTopologyTests.calls(master, "get")).sum())
					.isZero();
				assertThat(this.cluster.nodes().stream().mapToLong((node) -> ReplicaTopologyTests.calls(node, "get")).sum())
					.isEqualTo(KEYS);
				try (RedisClusterConnection connection = writes.getRequiredConnectionFactory().getClusterConnection()) {
					assertThat(connection.clusterGetNodes()).hasSize(6);
				}
				String async = context.getBean(AsyncRedisPool.class)
					.executeOnAnyTopology((commands) -> commands.get("key-1"))
					.get();
				assertThat(async).isEqualTo("value-1");
				PoolStats stats = context.getBean(SharedPoolRegistry.class).getPoolStats("master");
				assertThat(stats.topology()).isEqualTo("cluster");
				assertThat(stats.nodes()).hasSize(6);
				assertThat(stats.nodes().stream().filter((node) -> node.role().equals("master"))).hasSize(3);

				// Resharding: keys move to another master; the pool follows the redirections.
				long before = dbSize(masters.get(1));
				this.cluster.reshard(masters.get(0), masters.get(1), 1000);
				assertThat(dbSize(masters.get(1))).isGreaterThan(before);
				IntStream.range(0, KEYS).forEach((i) -> {
					assertThat(writes.opsForValue().get("key-" + i)).isEqualTo("value-" + i);
					writes.opsForValue().set("key-" + i, "value-" + i);
				});

				LocalRedisServer victim = masters.get(0);
				String key = IntStream.range(0, KEYS)
					.mapToObj((i) -> "key-" + i)
					.filter((candidate) -> "1".equals(victim.command("EXISTS", candidate)))
					.findFirst()
					.orElseThrow();
				victim.kill();
				long killed = System.nanoTime();
				Duration resumed = null;
				while (resumed == null && System.nanoTime() - killed < FAILOVER_BOUND.toNanos() * 2) {
					try {
						writes.opsForValue().set(key, "after-failover");
						resumed = Duration.ofNanos(System.nanoTime() - killed);
					}
					catch (RuntimeException ex) {
						// Not failed over yet, or the client has not seen it yet.
					}
				}
				System.out.println("Cluster failover: writes resumed " + ((resumed != null) ? resumed.toMillis() : -1)
						+ " ms after kill -9");
				assertThat(resumed).isNotNull().isLessThan(FAILOVER_BOUND);
				assertThat(writes.opsForValue().get(key)).isEqualTo("after-failover");
				IntStream.range(0, KEYS)
					.filter((i) -> !key.equals("key-" + i))
					.forEach((i) -> assertThat(writes.opsForValue().get("key-" + i)).isEqualTo("value-" + i));
				assertThat(this.cluster.masters()).hasSize(3).doesNotContain(victim);
			});
	}

	private static long dbSize(LocalRedisServer node) {
		return Long.parseLong(node.command("DBSIZE"));
	}

}
