package io.gdnode.pool.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.gdnode.pool.PoolNode;
import io.gdnode.pool.PoolStats;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The master and slave roles through three real sentinels, which require a password, watching a
 * master and its replica: after {@code kill -9} of the master, writes resume on the promoted
 * replica within the bound, reads continue, and no acknowledged write is lost.
 */
class SentinelTopologyTests {

	/** The failover bound docs/topologies.md documents, with down-after-milliseconds 1000. */
	static final Duration FAILOVER_BOUND = Duration.ofSeconds(10);

	private static final String MASTER_NAME = "gdnode";

	private static final String SENTINEL_PASSWORD = "sentinel-secret";

	@RegisterExtension
	final LocalRedisExtension redis = LocalRedisExtension.standalone("--appendonly", "yes", "--appendfsync", "always")
		.withReplicas(1)
		.withSentinels(3, MASTER_NAME, Duration.ofSeconds(1), Duration.ofSeconds(5), SENTINEL_PASSWORD);

	@Test
	void writesResumeOnThePromotedReplicaAfterTheMasterIsKilled() {
		String nodes = this.redis.sentinels().stream().map((s) -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class))
			.withPropertyValues("redis.sentinel.master=" + MASTER_NAME, "redis.sentinel.nodes=" + nodes,
					"redis.sentinel.password=" + SENTINEL_PASSWORD,
					// Generous for a loaded machine: the failover bound is measured from the kill, and
					// writes to the killed master fail at once (refused, or rejected while reconnecting).
					"redis.timeout.command=3s", "redis.timeout.connect=5s", "redis.client.name=sentinel-test")
			.run((context) -> {
				StringRedisTemplate writes = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
				StringRedisTemplate reads = context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class);
				List<Integer> acknowledged = new ArrayList<>();
				for (int i = 0; i < 50; i++) {
					writes.opsForValue().set("key-" + i, String.valueOf(i));
					// Replication is asynchronous: a write is safe from a failover once WAIT says a replica has it.
					assertThat(writes.execute((RedisCallback<Long>) SentinelTopologyTests::waitForReplica)).isOne();
					acknowledged.add(i);
				}
				assertThat(reads.opsForValue().get("key-49")).isEqualTo("49");
				assertThat(incrementTwice(writes, "tx")).containsExactly(1L, 2L);
				assertThat(writes.execute((RedisCallback<Long>) SentinelTopologyTests::waitForReplica)).isOne();
				PoolStats stats = context.getBean(SharedPoolRegistry.class).getPoolStats("master");
				assertThat(stats.topology()).isEqualTo("sentinel");
				assertThat(stats.endpoint()).startsWith("redis-sentinel://").endsWith("#" + MASTER_NAME);
				assertThat(stats.nodes()).hasSize(3).allMatch((node) -> node.role().equals("sentinel"));
				assertThat(stats.toString()).doesNotContain(SENTINEL_PASSWORD);
				// Reads show the pool which master and replicas the sentinels gave it.
				assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats("slave").nodes()).contains(
						new PoolNode("127.0.0.1:" + this.redis.port(), "master"),
						new PoolNode("127.0.0.1:" + this.redis.replica().port(), "replica"));

				this.redis.server().kill();
				long killed = System.nanoTime();
				int next = 50;
				Duration resumed = null;
				while (resumed == null && System.nanoTime() - killed < FAILOVER_BOUND.toNanos() * 2) {
					if (write(writes, next)) {
						acknowledged.add(next);
						resumed = Duration.ofNanos(System.nanoTime() - killed);
					}
					else {
						// Failures are immediate: pause so the retries do not take the CPU the failover needs.
						Thread.sleep(10);
					}
					next++;
				}
				System.out.println("Sentinel failover: writes resumed " + resumed.toMillis() + " ms after kill -9");
				assertThat(resumed).isLessThan(FAILOVER_BOUND);
				assertThat(this.redis.replica().command("INFO", "replication")).contains("role:master");
				for (int i = 0; i < 20; i++, next++) {
					writes.opsForValue().set("key-" + next, String.valueOf(next));
					acknowledged.add(next);
				}
				// Transactions, which share one connection of the pool, follow the failover too, within
				// the same bound: that connection learns of the new master on its own, and until then
				// rejects a block before sending anything ("not connected"), so trying again is safe.
				assertThat(transactionAfterFailover(writes, killed)).containsExactly(3L, 4L);
				assertThat(this.redis.replica().command("GET", "tx")).isEqualTo("4");
				for (int key : acknowledged) {
					assertThat(this.redis.replica().command("GET", "key-" + key)).as("key-" + key).isEqualTo(String.valueOf(key));
				}
				assertThat(reads.opsForValue().get("key-" + (next - 1))).isEqualTo(String.valueOf(next - 1));
				// The slave pool shows the servers its last read was offered: the new roles once
				// Lettuce has learnt them from the sentinels (seen lagging the writes on a loaded machine).
				int last = next - 1;
				await().atMost(FAILOVER_BOUND).untilAsserted(() -> {
					assertThat(reads.opsForValue().get("key-" + last)).isEqualTo(String.valueOf(last));
					assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats("slave").nodes())
						.contains(new PoolNode("127.0.0.1:" + this.redis.replica().port(), "master"))
						.doesNotContain(new PoolNode("127.0.0.1:" + this.redis.port(), "master"));
				});
			});
	}

	private static List<Object> transactionAfterFailover(StringRedisTemplate writes, long killed)
			throws InterruptedException {
		while (true) {
			try {
				return incrementTwice(writes, "tx");
			}
			catch (RuntimeException ex) {
				boolean unsent = String.valueOf(ex.getMessage()).contains("not connected");
				if (!unsent || System.nanoTime() - killed > FAILOVER_BOUND.toNanos()) {
					throw ex;
				}
				Thread.sleep(10);
			}
		}
	}

	private static List<Object> incrementTwice(StringRedisTemplate writes, String key) {
		return writes.execute(new SessionCallback<>() {

			@Override
			@SuppressWarnings({ "unchecked", "rawtypes" })
			public List<Object> execute(RedisOperations operations) {
				operations.multi();
				operations.opsForValue().increment(key);
				operations.opsForValue().increment(key);
				return operations.exec();
			}

		});
	}

	/**
	 * Write a key through the master role.
	 * @return whether the master acknowledged the write
	 */
	private static boolean write(StringRedisTemplate writes, int key) {
		try {
			writes.opsForValue().set("key-" + key, String.valueOf(key));
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	@SuppressWarnings("unchecked")
	private static Long waitForReplica(RedisConnection connection) {
		try {
			return ((RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection())
				.waitForReplication(1, 500)
				.get(2, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			return null;
		}
	}

}
