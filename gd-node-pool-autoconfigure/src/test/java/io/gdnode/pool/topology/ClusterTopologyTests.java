package io.gdnode.pool.topology;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.gdnode.pool.PoolStats;
import io.gdnode.pool.SharedConnectionStateException;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.client.AsyncRedisPool;
import io.gdnode.pool.localredis.LocalRedisClusterExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.BlockingPools;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The master and slave roles over a real six-node Redis Cluster (three masters, three replicas)
 * created with {@code redis-cli --cluster create}: a key in every one of the 16384 slots is written
 * and read, slave reads come from replicas, keys keep working while slots move to another master,
 * and after {@code kill -9} of a master writes resume on its promoted replica within the bound, both
 * through the pool that was using the master and through one first used after it died.
 */
class ClusterTopologyTests {

	/** The failover bound docs/topologies.md documents, with cluster-node-timeout 1000. */
	static final Duration FAILOVER_BOUND = Duration.ofSeconds(10);

	/** One key in every hash slot. */
	private static final List<String> KEYS = keyPerSlot();

	@RegisterExtension
	final LocalRedisClusterExtension redis = LocalRedisClusterExtension.cluster(3, Duration.ofSeconds(1));

	@Test
	void keysAcrossAllSlotsAreWrittenAndReadAndFollowReshardingAndFailover() {
		runner().withPropertyValues("redis.client.name=cluster-test").run((context) -> {
			StringRedisTemplate writes = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
			StringRedisTemplate reads = context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class);
			// Written through the async pool, all at once; each SET goes to the master of its key's slot.
			AsyncRedisPool async = context.getBean(AsyncRedisPool.class);
			async.executeOnAnyTopology((commands) -> CompletableFuture.allOf(KEYS.stream()
				.map((key) -> commands.set(key, value(key)).toCompletableFuture())
				.toArray(CompletableFuture[]::new))).get(30, TimeUnit.SECONDS);
			List<LocalRedisServer> masters = this.redis.cluster().masters();
			assertThat(masters).hasSize(3).allSatisfy((master) -> assertThat(dbSize(master)).isGreaterThan(5000));
			assertThat(masters.stream().mapToLong(ClusterTopologyTests::dbSize).sum()).isEqualTo(KEYS.size());
			// Replication is asynchronous: wait until every replica holds as many keys as the masters.
			await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.nodes().stream()
				.mapToLong(ClusterTopologyTests::dbSize).sum() == 2L * KEYS.size());
			KEYS.forEach((key) -> assertThat(reads.opsForValue().get(key)).isEqualTo(value(key)));
			assertThat(masters.stream().mapToLong((master) -> ReplicaTopologyTests.calls(master, "get")).sum())
				.isZero();
			assertThat(this.redis.nodes().stream().mapToLong((node) -> ReplicaTopologyTests.calls(node, "get")).sum())
				.isEqualTo(KEYS.size());
			try (RedisClusterConnection connection = writes.getRequiredConnectionFactory().getClusterConnection()) {
				assertThat(connection.clusterGetNodes()).hasSize(6);
			}
			assertThat(async.executeOnAnyTopology((commands) -> commands.get(KEYS.get(1))).get())
				.isEqualTo(value(KEYS.get(1)));
			// What cannot share a lane is refused before it is sent, and the lane goes on serving.
			List<CompletableFuture<?>> refused = List.of(
					async.executeOnAnyTopology((commands) -> commands.blpop(1, KEYS.get(2))),
					async.executeOnAnyTopology((commands) -> commands.clientSetname("renamed")
						.thenCompose((ok) -> commands.set(KEYS.get(2), "renamed"))));
			refused.forEach((call) -> assertThat(call).failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(SharedConnectionStateException.class)
				.withMessageContaining("executeExclusive(...)"));
			assertThat(async.executeOnAnyTopology((commands) -> commands.get(KEYS.get(2))).get(5, TimeUnit.SECONDS))
				.isEqualTo(value(KEYS.get(2)));
			PoolStats stats = context.getBean(SharedPoolRegistry.class).getPoolStats("master");
			assertThat(stats.topology()).isEqualTo("cluster");
			assertThat(stats.nodes()).hasSize(6);
			assertThat(stats.nodes().stream().filter((node) -> node.role().equals("master"))).hasSize(3);
			// A block's keys may live on different nodes: no transactions in cluster mode, said clearly.
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> BlockingPools.open(context.getBean(SharedPoolRegistry.class), "master").transactionConnection())
				.withMessageContaining("Redis Cluster pool");

			// Resharding: keys move to another master; the pool follows the redirections.
			long before = dbSize(masters.get(1));
			this.redis.cluster().reshard(masters.get(0), masters.get(1), 1000);
			assertThat(dbSize(masters.get(1))).isGreaterThan(before);
			KEYS.forEach((key) -> assertThat(writes.opsForValue().get(key)).isEqualTo(value(key)));
			writes.opsForValue().set(KEYS.get(0), "after-resharding");
			writes.opsForValue().set(KEYS.get(0), value(KEYS.get(0)));

			// The victim is the node the master pool sends keyless commands to: losing it leaves the
			// pool's connection disconnected, which must not make the pool drop the node
			// connections whose reconnects lead it to the promoted replica.
			LocalRedisServer victim = defaultNode(writes);
			if (!masters.contains(victim)) {
				this.redis.cluster().promote(victim);
			}
			String key = KEYS.stream()
				.filter((candidate) -> "1".equals(victim.command("EXISTS", candidate)))
				.findFirst()
				.orElseThrow();
			writes.opsForValue().set(key, value(key));
			long created = context.getBean(SharedPoolRegistry.class).getPoolStats("master").created();
			victim.kill();
			long killed = System.nanoTime();
			// A pool first used after the kill has no connection to the dead master that would
			// reconnect; it must find the promoted replica all the same.
			runner().withPropertyValues("redis.shared=false", "redis.client.name=cluster-late").run((late) -> {
				StringRedisTemplate lateWrites = late.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
				List<Duration> resumed = writesResume(List.of(writes, lateWrites), key, killed);
				System.out.println("Cluster failover: writes resumed " + resumed.get(0).toMillis() + " ms after kill -9; "
						+ resumed.get(1).toMillis() + " ms through a pool opened after it");
				assertThat(resumed).allSatisfy((duration) -> assertThat(duration).isLessThan(FAILOVER_BOUND));
				assertThat(this.redis.cluster().masters()).anySatisfy((master) -> assertThat(master.command("CLIENT", "LIST"))
					.contains("name=cluster-late-master "));
			});
			assertThat(writes.opsForValue().get(key)).isEqualTo("after-failover");
			assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats("master").created())
				.as("connections the master pool opened through the failover").isEqualTo(created);
			KEYS.stream()
				.filter((other) -> !other.equals(key))
				.forEach((other) -> assertThat(writes.opsForValue().get(other)).isEqualTo(value(other)));
			assertThat(this.redis.cluster().masters()).hasSize(3).doesNotContain(victim);

			// Then the pools let the dead master go: no more reconnects to it, no more re-reads.
			assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats("master").nodes())
				.hasSize(5)
				.noneMatch((node) -> node.address().endsWith(":" + victim.port()));
			long failedOver = System.nanoTime();
			while (layoutReadsWithin(Duration.ofSeconds(3), victim) > 0) {
				assertThat(Duration.ofNanos(System.nanoTime() - failedOver))
					.as("how long the pools went on re-reading the layout after the failover")
					.isLessThan(FAILOVER_BOUND);
			}
		});
	}

	/**
	 * Short timeouts, so that writes to the dead master fail fast during the failover, yet long
	 * enough for a command or connect on a 2-core machine busy with six servers and the test.
	 */
	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class))
			.withPropertyValues("redis.cluster.nodes=" + this.redis.seeds(), "redis.timeout.command=3s",
					"redis.timeout.connect=3s", "redis.cluster.refresh-period=10m");
	}

	/**
	 * Write through each template in turn until each has written once, for twice the failover
	 * bound at most.
	 * @return how long after {@code since} each template's write succeeded
	 */
	private static List<Duration> writesResume(List<StringRedisTemplate> templates, String key, long since)
			throws InterruptedException {
		Duration[] resumed = new Duration[templates.size()];
		while (Arrays.asList(resumed).contains(null)) {
			if (System.nanoTime() - since > FAILOVER_BOUND.toNanos() * 2) {
				throw new AssertionError("Writes did not resume within " + FAILOVER_BOUND.multipliedBy(2)
						+ " of kill -9: " + Arrays.asList(resumed));
			}
			for (int i = 0; i < resumed.length; i++) {
				try {
					if (resumed[i] == null) {
						templates.get(i).opsForValue().set(key, "after-failover");
						resumed[i] = Duration.ofNanos(System.nanoTime() - since);
					}
				}
				catch (RuntimeException ex) {
					// Not failed over yet, or the pool has not seen it yet.
				}
			}
			// Failures are immediate: pause so that the retries do not take the CPU the failover needs.
			Thread.sleep(10);
		}
		return List.of(resumed);
	}

	/** How often the pools asked the nodes but the dead one for the layout ({@code CLUSTER NODES}) in a while. */
	private long layoutReadsWithin(Duration window, LocalRedisServer dead) throws InterruptedException {
		List<LocalRedisServer> live = this.redis.nodes().stream().filter((node) -> node != dead).toList();
		long before = live.stream().mapToLong((node) -> ReplicaTopologyTests.calls(node, "cluster\\|nodes")).sum();
		Thread.sleep(window.toMillis());
		return live.stream().mapToLong((node) -> ReplicaTopologyTests.calls(node, "cluster\\|nodes")).sum() - before;
	}

	private LocalRedisServer defaultNode(StringRedisTemplate template) throws Exception {
		try (RedisClusterConnection connection = template.getRequiredConnectionFactory().getClusterConnection()) {
			String id = ((RedisAdvancedClusterAsyncCommands<?, ?>) connection.getNativeConnection()).clusterMyId()
				.get(5, TimeUnit.SECONDS);
			return this.redis.nodes()
				.stream()
				.filter((node) -> node.command("CLUSTER", "MYID").equals(id))
				.findFirst()
				.orElseThrow();
		}
	}

	private static List<String> keyPerSlot() {
		String[] keys = new String[SlotHash.SLOT_COUNT];
		int found = 0;
		for (int i = 0; found < keys.length; i++) {
			String key = "key-" + i;
			int slot = SlotHash.getSlot(key);
			if (keys[slot] == null) {
				keys[slot] = key;
				found++;
			}
		}
		return List.of(keys);
	}

	private static String value(String key) {
		return "value-of-" + key;
	}

	private static long dbSize(LocalRedisServer node) {
		return Long.parseLong(node.command("DBSIZE"));
	}

}
