package io.gdnode.pool.topology;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.PoolNode;
import io.gdnode.pool.registry.PoolStats;
import io.gdnode.pool.registry.SharedPoolRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * The slave role over a master and two real replicas ({@code --replicaof}): reads are spread over
 * the replicas, writes reach the master only, and reads survive replicas going away.
 */
class ReplicaTopologyTests {

	private static final int KEYS = 100;

	private LocalRedisServer master;

	private LocalRedisServer first;

	private LocalRedisServer second;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void startRedis() {
		this.master = LocalRedisServer.start();
		this.first = LocalRedisServer.startReplicaOf(this.master);
		this.second = LocalRedisServer.startReplicaOf(this.master);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class))
			.withPropertyValues("redis.master.url=" + this.master.url(),
					"redis.slave.url=" + this.first.url() + ", " + this.second.url(), "redis.timeout.command=2s",
					"redis.client.name=replica-test");
	}

	@AfterEach
	void stopRedis() {
		this.second.close();
		this.first.close();
		this.master.close();
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
			assertThat(stats.nodes()).containsExactly(new PoolNode("127.0.0.1:" + this.master.port(), "master"),
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
	void readsFailClearlyWhenNoReplicaIsLeftAndFallBackIsOff() {
		this.contextRunner.withPropertyValues("redis.slave.fallback=none").run((context) -> {
			writeKeys(context);
			readKeys(context);
			this.first.close();
			this.second.close();
			long start = System.nanoTime();
			assertThatException().isThrownBy(() -> slave(context).opsForValue().get("key-1"));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
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

	private void writeKeys(ApplicationContext context) {
		StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
		for (int i = 0; i < KEYS; i++) {
			master.opsForValue().set("key-" + i, "value-" + i);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> replicated(this.first) && replicated(this.second));
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
