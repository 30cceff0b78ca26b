package io.gdnode.pool.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.gdnode.pool.PoolStats;
import io.gdnode.pool.SharedConnectionStateException;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.registry.BlockingPool;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.api.StatefulConnection;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.domain.Range;
import org.springframework.data.geo.Distance;
import org.springframework.data.geo.Metrics;
import org.springframework.data.geo.Point;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.domain.geo.GeoReference;

import static io.gdnode.pool.client.ReactiveScenarios.openPool;
import static io.gdnode.pool.client.ReactiveScenarios.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Reactive operations, side by side: each scenario runs once on Spring Data Redis's default
 * factory (one shared connection) and once on the role factory, against the same Redis, and
 * asserts the same results, errors and data. Then what only the role factory does: share one
 * connection under load, wait for a dedicated connection off the caller's thread, and give back a
 * connection whose reactive connection closed while it was on its way.
 */
class ReactiveParityTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("redis.master.url=" + redis.url(), "redis.master.pool.size=1", "redis.shared=0",
				"spring.application.name=reactive-parity");

	@BeforeEach
	void emptyRedis() {
		redis.command("FLUSHALL");
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void stringOperationsGiveTheSameResultsAndData(Factory factory) {
		factory.run((template) -> {
			Boolean set = template.opsForValue().set("greeting", "hello").block(TIMEOUT);
			Long counted = template.opsForValue().increment("counter", 5).block(TIMEOUT);
			List<String> values = template.opsForValue().multiGet(List.of("greeting", "counter", "absent")).block(TIMEOUT);
			Boolean absentSet = template.opsForValue().setIfAbsent("greeting", "again").block(TIMEOUT);
			assertThat(set).isTrue();
			assertThat(counted).isEqualTo(5);
			assertThat(values).containsExactly("hello", "5", null);
			assertThat(absentSet).isFalse();
			assertThat(redis.command("GET", "greeting")).isEqualTo("hello");
			assertThat(redis.command("GET", "counter")).isEqualTo("5");
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void geoHashAndSortedSetOperationsGiveTheSameResultsAndData(Factory factory) {
		factory.run((template) -> {
			// Many at once, as Spring Data Redis's own reactive GEO tests run them.
			Flux.range(0, 200)
				.flatMap((i) -> template.opsForGeo().add("cities", new Point(13.0 + i / 1000.0, 52.0), "city-" + i), 64)
				.blockLast(TIMEOUT);
			Distance distance = template.opsForGeo()
				.distance("cities", "city-0", "city-199", Metrics.KILOMETERS)
				.block(TIMEOUT);
			List<String> near = template.opsForGeo()
				.search("cities", GeoReference.fromMember("city-0"), new Distance(0.5, Metrics.KILOMETERS))
				.map((result) -> result.getContent().getName())
				.collectList()
				.block(TIMEOUT);
			template.opsForHash().putAll("user", Map.of("name", "ada", "visits", "1")).block(TIMEOUT);
			Long visits = template.opsForHash().increment("user", "visits", 2).block(TIMEOUT);
			template.opsForZSet().add("scores", "a", 3).block(TIMEOUT);
			template.opsForZSet().add("scores", "b", 1).block(TIMEOUT);
			List<String> ranked = template.opsForZSet().range("scores", Range.unbounded()).collectList().block(TIMEOUT);
			assertThat(distance.getValue()).isCloseTo(13.6, within(0.2));
			assertThat(near).hasSize(8).contains("city-0", "city-7");
			assertThat(visits).isEqualTo(3);
			assertThat(ranked).containsExactly("b", "a");
			assertThat(redis.command("ZCARD", "cities")).isEqualTo("200");
			assertThat(redis.command("HGET", "user", "visits")).isEqualTo("3");
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
				ReactiveParityTests::blockedClients, () -> redis.command("LLEN", "queue")));
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void subscriberReceivesWhatIsPublished(Factory factory) {
		factory.run((template) -> {
			CompletableFuture<List<String>> received = template.listenToChannel("news")
				.map((message) -> message.getMessage())
				.filter((message) -> !message.equals("probe"))
				.take(2)
				.collectList()
				.toFuture();
			// Published once the subscription is in place: Redis then counts one receiver.
			await().atMost(TIMEOUT).until(() -> template.convertAndSend("news", "probe").block(TIMEOUT) == 1);
			template.convertAndSend("news", "first").block(TIMEOUT);
			template.convertAndSend("news", "second").block(TIMEOUT);
			assertThat(received).succeedsWithin(TIMEOUT).isEqualTo(List.of("first", "second"));
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void scanVisitsEveryMatchingKey(Factory factory) {
		factory.run((template) -> {
			Flux.range(0, 120).flatMap((i) -> template.opsForValue().set("scan:" + i, "v"), 16).blockLast(TIMEOUT);
			template.opsForValue().set("other", "v").block(TIMEOUT);
			List<String> keys = template.scan(ScanOptions.scanOptions().match("scan:*").count(10).build())
				.collectList()
				.block(TIMEOUT);
			assertThat(keys).hasSize(120).doesNotHaveDuplicates().allMatch((key) -> key.startsWith("scan:"));
		});
	}

	@Test
	void plainReactiveLoadSharesOneConnection() {
		this.contextRunner.withPropertyValues("redis.master.pool.size=10").run((context) -> {
			ReactiveStringRedisTemplate template = template(context);
			Flux.range(0, 5_000)
				.flatMap((i) -> (i % 2 == 0) ? template.opsForValue().set("key:" + (i % 1000), "0123456789abcdef")
						: template.opsForValue().get("key:" + (i % 1000)).defaultIfEmpty(""), 64)
				.blockLast(TIMEOUT.multipliedBy(3));
			// Spring Data Redis's default factory holds one connection here too; the role held 10 when
			// every operation borrowed a connection of a second, reactive pool.
			assertThat(redis.clientsNamed("reactive-parity-master")).isEqualTo(1);
			assertThat(redis.clientsNamed("reactive-parity-master-reactive")).isZero();
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			PoolStats stats = registry.getPoolStats("master");
			assertThat(stats.connections()).isEqualTo(1);
			assertThat(stats.borrowed()).isZero();
			// A command's lease is released just after its subscriber got the reply.
			await().atMost(TIMEOUT).until(() -> registry.getPoolStats("master").leases() == 0);
		});
	}

	@Test
	void reactiveCommandInFlightKeepsThePoolOpen() {
		this.contextRunner.run((context) -> {
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			ReactiveStringRedisTemplate template = template(context);
			BlockingPool pool = openPool(registry, template, TIMEOUT);
			// Redis holds back writes until unpaused: the SET stays unanswered, in flight.
			redis.command("CLIENT", "PAUSE", "30000", "WRITE");
			CompletableFuture<Boolean> set;
			try {
				set = template.opsForValue().set("paused", "v").toFuture();
				await().atMost(TIMEOUT).until(() -> registry.getPoolStats("master").leases() == 1);
				assertThat(pool.closeIfUnused()).isFalse();
			}
			finally {
				redis.command("CLIENT", "UNPAUSE");
			}
			assertThat(set).succeedsWithin(TIMEOUT).isEqualTo(true);
			await().atMost(TIMEOUT).until(() -> registry.getPoolStats("master").leases() == 0);
			assertThat(pool.closeIfUnused()).isTrue();
			// The next command opens the pool again.
			assertThat(template.opsForValue().get("paused").block(TIMEOUT)).isEqualTo("v");
		});
	}

	@Test
	void sessionChangeOnTheSharedConnectionIsRefused() {
		this.contextRunner.run((context) -> {
			ReactiveStringRedisTemplate template = template(context);
			assertThat(template.opsForValue().set("before", "v").block(TIMEOUT)).isTrue();
			// Spring Boot's default factory would rename the connection every caller shares.
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> template.execute((connection) -> connection.serverCommands().setClientName("renamed"))
					.blockLast(TIMEOUT))
				.withRootCauseInstanceOf(SharedConnectionStateException.class);
			assertThat(redis.clientsNamed("renamed")).isZero();
			assertThat(template.opsForValue().get("before").block(TIMEOUT)).isEqualTo("v");
		});
	}

	@Test
	void waitForAFullPoolLeavesTheCallingEventLoopFree() {
		EventLoop eventLoop = new DefaultEventLoop();
		try {
			waitForAFullPoolLeavesTheCallerFree(Schedulers.fromExecutor(eventLoop));
		}
		finally {
			eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
		}
	}

	@Test
	void waitForAFullPoolLeavesTheCallingReactorThreadFree() {
		Scheduler single = Schedulers.newSingle("reactive-caller");
		try {
			waitForAFullPoolLeavesTheCallerFree(single);
		}
		finally {
			single.dispose();
		}
	}

	/**
	 * Issue a blocking pop from the caller's one thread while the pool's only dedicated connection
	 * is held, and check that the thread runs other work while the pop waits for the pool.
	 */
	private void waitForAFullPoolLeavesTheCallerFree(Scheduler caller) {
		this.contextRunner.run((context) -> {
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			ReactiveStringRedisTemplate template = template(context);
			BlockingPool pool = openPool(registry, template, TIMEOUT);
			StatefulConnection<?, ?> held = pool.borrow();
			CompletableFuture<String> pop = Mono.defer(() -> template.opsForList().leftPop("jobs", Duration.ofSeconds(5)))
				.subscribeOn(caller)
				.toFuture();
			await().atMost(TIMEOUT).until(() -> registry.getPoolStats("master").waiting() == 1);
			assertThat(Mono.fromCallable(() -> "free").subscribeOn(caller).toFuture()).succeedsWithin(TIMEOUT)
				.isEqualTo("free");
			pool.giveBack(held);
			template.opsForList().rightPush("jobs", "job").block(TIMEOUT);
			assertThat(pop).succeedsWithin(TIMEOUT).isEqualTo("job");
			await().atMost(TIMEOUT).untilAsserted(() -> {
				PoolStats stats = registry.getPoolStats("master");
				assertThat(stats.active()).isZero();
				assertThat(stats.leases()).isZero();
			});
			assertThat(registry.getOpenPool("master").closeIfUnused()).isTrue();
		});
	}

	@Test
	void connectionClosedWhileItsBorrowWaitsGivesTheConnectionBack() {
		this.contextRunner.run((context) -> {
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			RoleConnectionFactory factory = context.getBean(RoleConnectionFactory.class);
			BlockingPool pool = openPool(registry, template(context), TIMEOUT);
			StatefulConnection<?, ?> held = pool.borrow();
			ReactiveRedisConnection connection = factory.getReactiveConnection();
			CompletableFuture<ByteBuffer> pop = connection.listCommands()
				.blPop(List.of(bytes("never")), Duration.ofSeconds(1))
				.map((popped) -> popped.getValue())
				.toFuture();
			await().atMost(TIMEOUT).until(() -> registry.getPoolStats("master").waiting() == 1);
			connection.closeLater().block(TIMEOUT);
			pool.giveBack(held);
			assertThat(pop).failsWithin(TIMEOUT);
			await().atMost(TIMEOUT).untilAsserted(() -> {
				PoolStats stats = registry.getPoolStats("master");
				assertThat(stats.active()).isZero();
				assertThat(stats.waiting()).isZero();
				assertThat(stats.leases()).isZero();
				assertThat(stats.idle()).isEqualTo(1);
			});
			assertThat(registry.getOpenPool("master").closeIfUnused()).isTrue();
		});
	}

	private static ByteBuffer bytes(String value) {
		return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
	}

	private static long blockedClients() {
		return redis.clientList().stream().filter((client) -> "blpop".equals(client.get("cmd"))).count();
	}

	enum Factory {

		/** Spring Data Redis's default: one shared connection, dedicated connections closed after use. */
		BOOT_DEFAULT {

			@Override
			void run(Consumer<ReactiveStringRedisTemplate> scenario) {
				LettuceConnectionFactory factory = new LettuceConnectionFactory(
						new RedisStandaloneConfiguration(redis.host(), redis.port()),
						LettuceClientConfiguration.builder().build());
				factory.afterPropertiesSet();
				factory.start();
				try {
					scenario.accept(new ReactiveStringRedisTemplate(factory));
				}
				finally {
					factory.destroy();
				}
			}

		},

		/** The starter's master role, with one pooled dedicated connection. */
		ROLE {

			@Override
			void run(Consumer<ReactiveStringRedisTemplate> scenario) {
				new ApplicationContextRunner()
					.withConfiguration(
							AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
					.withPropertyValues("redis.master.url=" + redis.url(), "redis.master.pool.size=1", "redis.shared=0")
					.run((context) -> scenario.accept(template(context)));
			}

		};

		abstract void run(Consumer<ReactiveStringRedisTemplate> scenario);

	}

}
