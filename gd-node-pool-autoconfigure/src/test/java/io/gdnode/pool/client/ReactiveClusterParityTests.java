package io.gdnode.pool.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.gdnode.pool.PoolStats;
import io.gdnode.pool.SharedConnectionStateException;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.localredis.LocalRedisClusterExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.BlockingPool;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;

import static io.gdnode.pool.client.ReactiveScenarios.openPool;
import static io.gdnode.pool.client.ReactiveScenarios.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Reactive operations on a Redis Cluster, side by side: each scenario runs once on Spring Data
 * Redis's default factory in cluster mode and once on a Cluster role's factory, against the same
 * cluster, and asserts the same results, errors and data: keys in different slots, commands that
 * span nodes (MGET, DEL, KEYS, SCAN), commands addressed to one node, and a blocking pop. Then what
 * only the role does: its reactive operations share the role pool's cluster connection, a lease per
 * command in flight, with no second pool.
 */
class ReactiveClusterParityTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	/** Keys in five different slots, spread over the masters. */
	private static final List<String> KEYS = keysInDifferentSlots(5);

	@RegisterExtension
	static final LocalRedisClusterExtension redis = LocalRedisClusterExtension.cluster(3, Duration.ofSeconds(5));

	private final ApplicationContextRunner contextRunner = roleRunner().withPropertyValues("redis.master.pool.size=1",
			"spring.application.name=cluster-parity");

	@BeforeEach
	void emptyCluster() {
		redis.cluster().masters().forEach((master) -> master.command("FLUSHALL"));
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void keysInDifferentSlotsAreWrittenReadAndDeletedTogether(Factory factory) {
		factory.run((template) -> {
			Flux.fromIterable(KEYS).flatMap((key) -> template.opsForValue().set(key, "value-of-" + key)).blockLast(TIMEOUT);
			assertThat(template.opsForValue().get(KEYS.get(0)).block(TIMEOUT)).isEqualTo("value-of-" + KEYS.get(0));
			List<String> keys = new ArrayList<>(KEYS);
			keys.add(1, "absent");
			assertThat(template.opsForValue().multiGet(keys).block(TIMEOUT)).containsExactly("value-of-" + KEYS.get(0),
					null, "value-of-" + KEYS.get(1), "value-of-" + KEYS.get(2), "value-of-" + KEYS.get(3),
					"value-of-" + KEYS.get(4));
			assertThat(KEYS.stream().map(ReactiveClusterParityTests::mastersHolding).distinct()).hasSizeGreaterThan(1);
			assertThat(stored(KEYS.get(3))).isEqualTo("value-of-" + KEYS.get(3));
			assertThat(template.delete(KEYS.get(0), KEYS.get(1), KEYS.get(2), "absent").block(TIMEOUT)).isEqualTo(3);
			assertThat(stored(KEYS.get(0))).isNull();
			assertThat(stored(KEYS.get(4))).isEqualTo("value-of-" + KEYS.get(4));
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void keysAndScanVisitEveryNode(Factory factory) {
		factory.run((template) -> {
			Flux.range(0, 120).flatMap((i) -> template.opsForValue().set("scan:" + i, "v"), 16).blockLast(TIMEOUT);
			template.opsForValue().set("other", "v").block(TIMEOUT);
			List<String> keys = template.keys("scan:*").collectList().block(TIMEOUT);
			List<String> scanned = template.scan(ScanOptions.scanOptions().match("scan:*").count(10).build())
				.collectList()
				.block(TIMEOUT);
			// On Lettuce 6.8 (Boot 4.0) KEYS answers some keys twice, on both factories (seen: replicas answer
			// too): compare the keys, not the answers.
			assertThat(Set.copyOf(keys)).hasSize(120).allMatch((key) -> key.startsWith("scan:"));
			assertThat(scanned).hasSameElementsAs(keys);
			assertThat(redis.cluster().masters()).allSatisfy((master) -> assertThat(dbSize(master)).isPositive());
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void commandsAddressedToOneNodeRunOnThatNode(Factory factory) {
		factory.runOnCluster((connection) -> {
			List<RedisClusterNode> nodes = connection.clusterGetNodes().collectList().block(TIMEOUT);
			assertThat(nodes).hasSize(6);
			RedisClusterNode master = nodes.stream().filter(RedisClusterNode::isMaster).findFirst().orElseThrow();
			LocalRedisServer server = redis.nodes()
				.stream()
				.filter((node) -> node.port() == master.getPort())
				.findFirst()
				.orElseThrow();
			String key = KEYS.stream().filter((candidate) -> mastersHolding(candidate) == server).findFirst().orElseThrow();
			server.command("SET", key, "v");
			assertThat(connection.ping(master).block(TIMEOUT)).isEqualTo("PONG");
			assertThat(connection.keyCommands().keys(master, bytes("*")).block(TIMEOUT)).containsExactly(bytes(key));
			assertThat(connection.serverCommands().dbSize(master).block(TIMEOUT)).isEqualTo(1);
			assertThat(connection.ping().block(TIMEOUT)).isEqualTo("PONG");
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void hashOperationsGiveTheSameResultsAndData(Factory factory) {
		factory.run((template) -> {
			template.opsForHash().putAll("user", Map.of("name", "ada", "visits", "1")).block(TIMEOUT);
			assertThat(template.opsForHash().increment("user", "visits", 2).block(TIMEOUT)).isEqualTo(3);
			assertThat(template.<String, String>opsForHash().entries("user").collectMap(Map.Entry::getKey,
					Map.Entry::getValue).block(TIMEOUT)).containsExactlyInAnyOrderEntriesOf(Map.of("name", "ada", "visits", "3"));
			assertThat(mastersHolding("user").command("HGET", "user", "visits")).isEqualTo("3");
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void commandOnAKeyOfTheWrongTypeFailsWithRedisReason(Factory factory) {
		factory.run((template) -> ReactiveScenarios.wrongTypeFailsWithRedisReason(template, TIMEOUT));
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void blockingPopWaitsItsTimeoutThenGetsAPushedItem(Factory factory) {
		factory.run((template) -> ReactiveScenarios.blockingPopWaitsItsTimeoutThenGetsAPushedItem(template, TIMEOUT,
				ReactiveClusterParityTests::blockedClients, () -> mastersHolding("queue").command("LLEN", "queue")));
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void subscriberReceivesWhatIsPublished(Factory factory) {
		factory.run((template) -> {
			List<String> received = new CopyOnWriteArrayList<>();
			Disposable subscription = template.listenToChannel("news")
				.map((message) -> message.getMessage())
				.subscribe(received::add);
			try {
				// PUBLISH counts the receivers of one node only, in a cluster: probe until one arrives.
				await().atMost(TIMEOUT).until(() -> template.convertAndSend("news", "probe").block(TIMEOUT) >= 0
						&& received.contains("probe"));
				template.convertAndSend("news", "first").block(TIMEOUT);
				template.convertAndSend("news", "second").block(TIMEOUT);
				await().atMost(TIMEOUT).until(() -> received.contains("second"));
				assertThat(received.stream().filter((message) -> !message.equals("probe"))).containsExactly("first",
						"second");
			}
			finally {
				subscription.dispose();
			}
		});
	}

	@Test
	void blockingPopBorrowsADedicatedConnectionOfTheRolePoolAndGivesItBack() {
		this.contextRunner.run((context) -> {
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			ReactiveStringRedisTemplate template = template(context);
			assertThat(template.opsForList().leftPop("jobs", Duration.ofSeconds(1)).block(TIMEOUT)).isNull();
			template.opsForList().rightPush("jobs", "job").block(TIMEOUT);
			assertThat(template.opsForList().leftPop("jobs", Duration.ofSeconds(1)).block(TIMEOUT)).isEqualTo("job");
			await().atMost(TIMEOUT).untilAsserted(() -> {
				PoolStats stats = registry.getPoolStats("master");
				assertThat(stats.borrowed()).isEqualTo(2);
				assertThat(stats.active()).isZero();
				assertThat(stats.leases()).isZero();
			});
			assertThat(registry.getPoolStats().pools()).doesNotContainKey("master-reactive");
		});
	}

	@Test
	void firstBlockingPopAndFirstCommandOfAFreshPoolRunTogether() {
		for (int i = 0; i < 5; i++) {
			this.contextRunner.run((context) -> {
				ReactiveStringRedisTemplate template = template(context);
				// Both connect first: the blocking pop a dedicated connection, the SET the shared one.
				CompletableFuture<String> pop = template.opsForList().leftPop("jobs", Duration.ofSeconds(1)).toFuture();
				CompletableFuture<Boolean> set = template.opsForValue().set("key", "v").toFuture();
				assertThat(set).succeedsWithin(TIMEOUT).isEqualTo(true);
				assertThat(pop).succeedsWithin(TIMEOUT).isNull();
				assertThat(template.opsForValue().get("key").block(TIMEOUT)).isEqualTo("v");
			});
		}
	}

	/**
	 * commons-pool2 replaces a discarded connection on the thread that gives it back, and a lent
	 * cluster connection is always discarded. Here the only event loop not held by the test is the
	 * one that gives back: a replacement opened there could not connect until the bound.
	 */
	@Test
	void givingBackOnAnEventLoopNeverWaitsForAConnect() {
		this.contextRunner.run((context) -> {
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			BlockingPool pool = openPool(registry, template(context), TIMEOUT);
			StatefulConnection<?, ?> lent = pool.borrow();
			EventLoopGroupProvider provider = registry.getClientResources().eventLoopGroupProvider();
			EventLoopGroup group = provider.allocate(Transports.eventLoopGroupClass());
			CountDownLatch givenBack = new CountDownLatch(1);
			try {
				List<EventExecutor> loops = new ArrayList<>();
				group.forEach(loops::add);
				for (EventExecutor other : loops.subList(1, loops.size())) {
					other.execute(() -> awaitQuietly(givenBack));
				}
				long start = System.nanoTime();
				loops.get(0).submit(() -> pool.giveBack(lent)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
			}
			finally {
				givenBack.countDown();
				provider.release(group, 0, 0, TimeUnit.SECONDS);
			}
			await().atMost(TIMEOUT).until(() -> registry.getPoolStats("master").active() == 0);
			assertThat(template(context).opsForList().leftPop("jobs", Duration.ofSeconds(1)).block(TIMEOUT)).isNull();
		});
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void reactiveOperationsInFlightShareTheRolePoolsClusterConnection() {
		this.contextRunner.withPropertyValues("redis.master.pool.size=10").run((context) -> {
			ReactiveStringRedisTemplate template = template(context);
			Flux.range(0, 2_000)
				.flatMap((i) -> (i % 2 == 0) ? template.opsForValue().set("key:" + (i / 2 % 500), "0123456789abcdef")
						: template.opsForValue().get("key:" + (i / 2 % 500)).defaultIfEmpty(""), 64)
				.blockLast(TIMEOUT.multipliedBy(2));
			assertThat(template.keys("key:*").count().block(TIMEOUT)).isEqualTo(500);
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			assertThat(registry.getPoolStats().pools()).containsKey("master").doesNotContainKey("master-reactive");
			PoolStats stats = registry.getPoolStats("master");
			// The shared cluster connection alone: nothing borrowed, nothing dedicated opened.
			assertThat(stats.connections()).isEqualTo(1);
			assertThat(stats.borrowed()).isZero();
			assertThat(context.getBean("masterRedisConnectionFactory", RoleConnectionFactory.class).getPool().getName())
				.isEqualTo("master");
			await().atMost(TIMEOUT).until(() -> registry.getPoolStats("master").leases() == 0);
		});
	}

	@Test
	void reactiveCommandInFlightKeepsThePoolOpen() {
		this.contextRunner.run((context) -> {
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			ReactiveStringRedisTemplate template = template(context);
			BlockingPool pool = openPool(registry, template, TIMEOUT);
			LocalRedisServer master = mastersHolding("paused");
			// Redis holds back writes until unpaused: the SET stays unanswered, in flight.
			master.command("CLIENT", "PAUSE", "30000", "WRITE");
			CompletableFuture<Boolean> set;
			try {
				set = template.opsForValue().set("paused", "v").toFuture();
				// At least the command's lease (a keepalive probe may hold one for a moment too);
				// a command that ended instead fails here, with its outcome.
				await().atMost(TIMEOUT).until(() -> set.isDone() || registry.getPoolStats("master").leases() >= 1);
				assertThat(set).isNotDone();
				assertThat(pool.closeIfUnused()).isFalse();
			}
			finally {
				master.command("CLIENT", "UNPAUSE");
			}
			assertThat(set).succeedsWithin(TIMEOUT).isEqualTo(true);
			await().atMost(TIMEOUT).until(() -> registry.getPoolStats("master").leases() == 0);
			assertThat(pool.closeIfUnused()).isTrue();
			// The next commands open the pool again, those that span nodes too.
			assertThat(template.opsForValue().get("paused").block(TIMEOUT)).isEqualTo("v");
			await().atMost(TIMEOUT).until(() -> registry.getPoolStats("master").leases() == 0);
			assertThat(pool.closeIfUnused()).isTrue();
			assertThat(template.keys("*").collectList().block(TIMEOUT)).containsExactly("paused");
		});
	}

	@Test
	void nodeCommandInFlightKeepsThePoolOpen() {
		this.contextRunner.run((context) -> {
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			ReactiveRedisConnectionFactory factory = context.getBean(ReactiveRedisConnectionFactory.class);
			BlockingPool pool = openPool(registry, template(context), TIMEOUT);
			ReactiveRedisClusterConnection connection = factory.getReactiveClusterConnection();
			RedisClusterNode node = connection.clusterGetNodes()
				.filter((candidate) -> candidate.isMaster() && !candidate.getSlotRange().getSlots().isEmpty())
				.blockFirst(TIMEOUT);
			LocalRedisServer server = redis.nodes().stream().filter((n) -> n.port() == node.getPort()).findFirst().orElseThrow();
			// Redis holds back writes until unpaused: the node's FLUSHDB stays unanswered, in flight.
			server.command("CLIENT", "PAUSE", "30000", "WRITE");
			CompletableFuture<String> flushed;
			try {
				flushed = connection.serverCommands().flushDb(node).toFuture();
				// At least the command's lease (a keepalive probe may hold one for a moment too);
				// a command that ended instead fails here, with its outcome.
				await().atMost(TIMEOUT)
					.until(() -> flushed.isDone() || registry.getPoolStats("master").leases() >= 1);
				assertThat(flushed).isNotDone();
				assertThat(pool.closeIfUnused()).isFalse();
			}
			finally {
				server.command("CLIENT", "UNPAUSE");
			}
			assertThat(flushed).succeedsWithin(TIMEOUT).isEqualTo("OK");
			await().atMost(TIMEOUT).until(() -> registry.getPoolStats("master").leases() == 0);
			assertThat(pool.closeIfUnused()).isTrue();
			connection.closeLater().block(TIMEOUT);
		});
	}

	@Test
	void sessionChangeOnTheSharedConnectionIsRefused() {
		this.contextRunner.run((context) -> {
			ReactiveStringRedisTemplate template = template(context);
			assertThat(template.opsForValue().set("before", "v").block(TIMEOUT)).isTrue();
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> template.execute((connection) -> connection.serverCommands().setClientName("renamed"))
					.blockLast(TIMEOUT))
				.withRootCauseInstanceOf(SharedConnectionStateException.class);
			assertThat(redis.nodes()).allSatisfy((node) -> assertThat(node.clientsNamed("renamed")).isZero());
			assertThat(template.opsForValue().get("before").block(TIMEOUT)).isEqualTo("v");
		});
	}

	private static ApplicationContextRunner roleRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("redis.cluster.nodes=" + redis.seeds(), "redis.shared=0", "redis.timeout.command=5s",
					"redis.timeout.connect=5s");
	}

	/** The master that serves a key's slot: the others answer MOVED. */
	private static LocalRedisServer mastersHolding(String key) {
		return redis.cluster()
			.masters()
			.stream()
			.filter((master) -> !String.valueOf(master.command("EXISTS", key)).startsWith("ERR: MOVED"))
			.findFirst()
			.orElseThrow();
	}

	/** What the cluster holds at a key, {@code null} for nothing. */
	private static String stored(String key) {
		return mastersHolding(key).command("GET", key);
	}

	private static long dbSize(LocalRedisServer node) {
		return Long.parseLong(node.command("DBSIZE"));
	}

	private static long blockedClients() {
		return redis.nodes()
			.stream()
			.mapToLong((node) -> node.clientList().stream().filter((client) -> "blpop".equals(client.get("cmd"))).count())
			.sum();
	}

	private static ByteBuffer bytes(String value) {
		return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
	}

	private static List<String> keysInDifferentSlots(int count) {
		List<String> keys = new ArrayList<>();
		// Slots a sixth of the range apart: three masters split the slots evenly.
		for (int i = 0; keys.size() < count; i++) {
			String key = "key-" + i;
			int slot = SlotHash.getSlot(key);
			if (keys.stream().allMatch((other) -> Math.abs(SlotHash.getSlot(other) - slot) > SlotHash.SLOT_COUNT / 6)) {
				keys.add(key);
			}
		}
		return keys;
	}

	enum Factory {

		/** Spring Data Redis's default in cluster mode: one shared cluster connection. */
		BOOT_DEFAULT {

			@Override
			void runOnCluster(Consumer<ReactiveRedisClusterConnection> scenario) {
				LettuceConnectionFactory factory = bootFactory();
				try {
					ReactiveRedisClusterConnection connection = factory.getReactiveClusterConnection();
					try {
						scenario.accept(connection);
					}
					finally {
						connection.closeLater().block(TIMEOUT);
					}
				}
				finally {
					factory.destroy();
				}
			}

			@Override
			void run(Consumer<ReactiveStringRedisTemplate> scenario) {
				LettuceConnectionFactory factory = bootFactory();
				try {
					scenario.accept(new ReactiveStringRedisTemplate(factory));
				}
				finally {
					factory.destroy();
				}
			}

			private LettuceConnectionFactory bootFactory() {
				LettuceConnectionFactory factory = new LettuceConnectionFactory(
						new RedisClusterConfiguration(List.of(redis.seeds().split(","))),
						LettuceClientConfiguration.builder().build());
				factory.afterPropertiesSet();
				factory.start();
				return factory;
			}

		},

		/** The starter's master role on the cluster, with one pooled dedicated connection. */
		ROLE {

			@Override
			void runOnCluster(Consumer<ReactiveRedisClusterConnection> scenario) {
				roleRunner().withPropertyValues("redis.master.pool.size=1").run((context) -> {
					ReactiveRedisClusterConnection connection = context.getBean(ReactiveRedisConnectionFactory.class)
						.getReactiveClusterConnection();
					try {
						scenario.accept(connection);
					}
					finally {
						connection.closeLater().block(TIMEOUT);
					}
				});
			}

			@Override
			void run(Consumer<ReactiveStringRedisTemplate> scenario) {
				roleRunner().withPropertyValues("redis.master.pool.size=1")
					.run((context) -> scenario.accept(template(context)));
			}

		};

		abstract void runOnCluster(Consumer<ReactiveRedisClusterConnection> scenario);

		abstract void run(Consumer<ReactiveStringRedisTemplate> scenario);

	}

}
