package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.gdnode.pool.ConnectionSettings;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolExhaustedException;
import io.gdnode.pool.PoolInUseException;
import io.gdnode.pool.PoolLimit;
import io.gdnode.pool.PoolRole;
import io.gdnode.pool.PoolStats;
import io.gdnode.pool.PoolType;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SharedPoolRegistry} against a real {@code redis-server}.
 */
@ExtendWith(OutputCaptureExtension.class)
class SharedPoolRegistryTests {

	private static final ConnectionSettings CONNECTION = ConnectionSettings.defaults(Duration.ofSeconds(5),
			Duration.ofSeconds(60));

	private static final AtomicInteger names = new AtomicInteger();

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private static ClientResources resources;

	private final String client = "registry-test-" + names.incrementAndGet();

	private final List<SharedPoolRegistry> registries = new ArrayList<>();

	@BeforeAll
	static void createResources() {
		resources = DefaultClientResources.create();
	}

	@AfterAll
	static void shutDownResources() {
		resources.shutdown(0, 2, TimeUnit.SECONDS);
	}

	@AfterEach
	void closeRegistries() {
		this.registries.forEach(SharedPoolRegistry::destroy);
	}

	@Test
	void attachingOpensNoConnection() {
		BlockingPool pool = registry().attach(definition(PoolRole.MASTER, 0));
		assertThat(pool.getStats().connections()).isZero();
		assertThat(connections()).isZero();
		assertThat(this.registries.get(0).getPoolStats().totalPools()).isZero();
	}

	@Test
	void clientsAskingForTheSamePoolShareIt() {
		SharedPoolRegistry registry = registry();
		BlockingPool first = registry.attach(definition(PoolRole.MASTER, 0));
		BlockingPool second = registry().attach(definition(PoolRole.MASTER, 0));
		assertThat(second).isSameAs(first);
		try (PoolLease lease = first.lease(); PoolLease other = second.lease()) {
			sync(lease).set("k", "v");
			assertThat(sync(other).get("k")).isEqualTo("v");
		}
		assertThat(connections()).isEqualTo(1);
		assertThat(first.getStats().clients()).isEqualTo(2);
	}

	@Test
	void differentDatabaseUserOrTlsAreNeverMerged() {
		SharedPoolRegistry registry = registry();
		BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0));
		assertThat(registry.attach(definition(PoolRole.MASTER, 1))).isNotSameAs(pool);
		assertThat(registry.attach(definition(RedisURI.create("redis://other@" + redis.host() + ":" + redis.port()))))
			.isNotSameAs(pool);
		assertThat(registry.attach(definition(RedisURI.create("rediss://" + redis.host() + ":" + redis.port()))))
			.isNotSameAs(pool);
		assertThat(registry.attach(definition(PoolRole.SLAVE, 0))).isNotSameAs(pool);
	}

	@Test
	void sameRoleAtASecondEndpointIsReportedUnderANumberedName() {
		SharedPoolRegistry registry = registry();
		BlockingPool first = registry.attach(definition(PoolRole.MASTER, 0));
		BlockingPool second = registry.attach(definition(PoolRole.MASTER, 1));
		try (PoolLease one = first.lease(); PoolLease two = second.lease()) {
			sync(one).ping();
			sync(two).ping();
		}
		assertThat(registry.getPoolStats().pools()).containsOnlyKeys("master", "master-2");
		assertThat(registry.getPoolStats("master-2").endpoint()).endsWith("/1");
		// Another registry (another application context) names its own pools from scratch.
		BlockingPool other = registry().attach(definition(PoolRole.MASTER, 1));
		assertThat(other).isSameAs(second);
		assertThat(this.registries.get(1).getPoolStats().pools()).containsOnlyKeys("master");
	}

	@Test
	void unsharedRegistryGivesEveryClientItsOwnPool() {
		SharedPoolRegistry registry = new SharedPoolRegistry(resources, Duration.ofMinutes(5), Duration.ofMinutes(1),
				false);
		this.registries.add(registry);
		assertThat(registry.attach(definition(PoolRole.MASTER, 0)))
			.isNotSameAs(registry.attach(definition(PoolRole.MASTER, 0)));
	}

	@Test
	void manyThreadsAskingAtOnceCreateExactlyOnePool() throws Exception {
		SharedPoolRegistry registry = registry();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(32);
		try {
			List<Future<SharedPool>> pools = new ArrayList<>();
			for (int i = 0; i < 32; i++) {
				pools.add(executor.submit(() -> {
					start.await();
					BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0));
					try (PoolLease lease = pool.lease()) {
						sync(lease).ping();
					}
					return pool;
				}));
			}
			start.countDown();
			SharedPool first = pools.get(0).get(10, TimeUnit.SECONDS);
			for (Future<SharedPool> pool : pools) {
				assertThat(pool.get(10, TimeUnit.SECONDS)).isSameAs(first);
			}
			assertThat(first.getStats().created()).isEqualTo(1);
			assertThat(first.getStats().clients()).isEqualTo(32);
			assertThat(connections()).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void callersBeyondThePoolSizeNeverOpenMoreConnections() throws Exception {
		BlockingPool pool = registry().attach(definition(PoolRole.MASTER, 0, 2, Duration.ofSeconds(10)));
		AtomicLong mostConnections = new AtomicLong();
		runConcurrently(8, 50, () -> {
			StatefulRedisConnection<?, ?> connection = pool.borrow();
			try {
				connection.sync().ping();
				mostConnections.accumulateAndGet(pool.getStats().connections(), Math::max);
			}
			finally {
				pool.giveBack(connection);
			}
			return null;
		});
		assertThat(mostConnections.get()).isBetween(1L, 2L);
		assertThat(pool.getStats().created()).isEqualTo(2);
		assertThat(connections()).isLessThanOrEqualTo(2);
	}

	@Test
	void fullPoolFailsWithinWaitTimeoutNamingTheSetting() {
		BlockingPool pool = registry().attach(definition(PoolRole.MASTER, 0, 1, Duration.ofMillis(200)));
		StatefulRedisConnection<?, ?> held = pool.borrow();
		try {
			assertThatExceptionOfType(PoolExhaustedException.class).isThrownBy(pool::borrow)
				.withMessageContaining("'master'")
				.withMessageContaining("PT0.2S")
				.withMessageNotContaining("redis.")
				.satisfies((ex) -> assertThat(ex.getLimits()).containsExactly(PoolLimit.POOL_SIZE, PoolLimit.WAIT_TIMEOUT));
		}
		finally {
			pool.giveBack(held);
		}
		assertThat(pool.getStats().active()).isZero();
	}

	@Test
	void cleanupClosesIdlePoolAndNextUseOpensItAgain() {
		SharedPoolRegistry registry = registry(Duration.ofMillis(50));
		BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0));
		try (PoolLease lease = pool.lease()) {
			sync(lease).set("cleanup", "1");
		}
		assertThat(connections()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(5)).until(() -> registry.runCleanup().contains("master"));
		assertThat(registry.getPoolStats().totalPools()).isZero();
		await().atMost(Duration.ofSeconds(5)).until(() -> connections() == 0);
		try (PoolLease lease = pool.lease()) {
			assertThat(sync(lease).get("cleanup")).isEqualTo("1");
		}
		assertThat(pool.getStats().created()).isEqualTo(2);
		assertThat(pool.getStats().destroyed()).isEqualTo(1);
	}

	@Test
	void heldLeaseOrBorrowedConnectionKeepsPoolOpenPastIdleTimeout() throws Exception {
		SharedPoolRegistry registry = registry(Duration.ofMillis(20));
		BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0));
		try (PoolLease lease = pool.lease()) {
			sync(lease).ping();
			Thread.sleep(100);
			assertThat(registry.runCleanup()).isEmpty();
			sync(lease).ping();
		}
		StatefulRedisConnection<?, ?> borrowed = pool.borrow();
		Thread.sleep(100);
		assertThat(registry.runCleanup()).isEmpty();
		assertThat(borrowed.sync().ping()).isEqualTo("PONG");
		pool.giveBack(borrowed);
		await().atMost(Duration.ofSeconds(5)).until(() -> registry.runCleanup().contains("master"));
	}

	@Test
	void cleanupRacingBorrowsNeverHandsOutAClosedPool() throws Exception {
		SharedPoolRegistry registry = registry(Duration.ofNanos(1));
		BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0, 2, Duration.ofSeconds(10)));
		AtomicInteger closes = new AtomicInteger();
		AtomicBoolean racing = new AtomicBoolean(true);
		CompletableFuture<Void> cleaner = CompletableFuture.runAsync(() -> {
			while (racing.get()) {
				closes.addAndGet(registry.runCleanup().size());
			}
		});
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		try {
			// Thousands of uses, and on until the cleanup has closed the pool between uses many times.
			runConcurrently(4, 1500, () -> {
				do {
					// Random short gaps leave the pool unused now and then, which is when the cleanup strikes.
					LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000));
					try (PoolLease lease = pool.lease()) {
						sync(lease).ping();
					}
					StatefulRedisConnection<?, ?> connection = pool.borrow();
					try {
						connection.sync().ping();
					}
					finally {
						pool.giveBack(connection);
					}
				}
				while (closes.get() < 50 && System.nanoTime() < deadline);
				return null;
			});
		}
		finally {
			racing.set(false);
			cleaner.get(30, TimeUnit.SECONDS);
		}
		assertThat(closes.get()).as("times the cleanup closed the pool between uses").isGreaterThanOrEqualTo(50);
	}

	@Test
	void statisticsReportLiveNumbersAndNeverThePassword() {
		try (LocalRedisServer secured = LocalRedisServer.start()) {
			secured.command("CONFIG", "SET", "requirepass", "s3cret");
			RedisURI uri = RedisURI.create("redis://:s3cret@" + secured.host() + ":" + secured.port() + "/3");
			SharedPoolRegistry registry = registry();
			BlockingPool pool = registry.attach(definition(uri));
			StatefulRedisConnection<?, ?> borrowed = pool.borrow();
			try (PoolLease lease = pool.lease()) {
				sync(lease).ping();
				PoolStats stats = registry.getPoolStats("master");
				assertThat(stats.role()).isEqualTo("master");
				assertThat(stats.type()).isEqualTo("sync");
				assertThat(stats.endpoint()).isEqualTo("redis://" + secured.host() + ":" + secured.port() + "/3");
				assertThat(stats.active()).isEqualTo(1);
				assertThat(stats.connections()).isEqualTo(2);
				assertThat(stats.max()).isEqualTo(10);
				assertThat(stats.leases()).isEqualTo(2);
				assertThat(stats.idleTime()).isZero();
				assertThat(stats.borrowed()).isEqualTo(1);
				assertThat(stats.clients()).isEqualTo(1);
				assertThat(registry.getPoolStats().toString()).doesNotContain("s3cret");
			}
			finally {
				pool.giveBack(borrowed);
			}
			assertThat(registry.getPoolStats("master").idle()).isEqualTo(1);
			assertThat(registry.getPoolStats("nope")).isNull();
		}
	}

	@Test
	void connectionsAreNamedAfterApplicationAndPool() {
		BlockingPool pool = registry().attach(definition(PoolRole.SLAVE, 0));
		try (PoolLease lease = pool.lease()) {
			sync(lease).ping();
			assertThat(redis.clientsNamed(this.client + "-slave")).isEqualTo(1);
		}
	}

	@Test
	void asyncPoolKeepsItsMinimumAndNeverExceedsItsMaximum() throws Exception {
		AsyncPool pool = registry().attachAsync(new PoolDefinition(PoolRole.MASTER, PoolType.ASYNC, uri(0),
				CONNECTION, true, 3, 2, Duration.ofSeconds(10)));
		AtomicLong mostConnections = new AtomicLong();
		runConcurrently(12, 20, () -> {
			StatefulRedisConnection<String, String> connection = pool.<StatefulRedisConnection<String, String>>acquireAsync().get(10, TimeUnit.SECONDS);
			try {
				connection.async().ping().get(5, TimeUnit.SECONDS);
				mostConnections.accumulateAndGet(connections(), Math::max);
			}
			finally {
				pool.releaseAsync(connection).get(5, TimeUnit.SECONDS);
			}
			return null;
		});
		assertThat(mostConnections.get()).isBetween(2L, 3L);
		assertThat(pool.getStats().type()).isEqualTo("async");
		assertThat(pool.getStats().min()).isEqualTo(2);
		assertThat(pool.getStats().idle()).isBetween(2, 3);
	}

	@Test
	void unpooledAsyncPoolClosesEveryConnectionWhenGivenBack() throws Exception {
		AsyncPool pool = registry().attachAsync(new PoolDefinition(PoolRole.MASTER, PoolType.ASYNC, uri(0),
				CONNECTION, false, 3, 2, Duration.ofSeconds(5)));
		StatefulRedisConnection<String, String> connection = pool.<StatefulRedisConnection<String, String>>acquireAsync().get(5, TimeUnit.SECONDS);
		assertThat(connection.sync().ping()).isEqualTo("PONG");
		pool.releaseAsync(connection).get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> connections() == 0);
		assertThat(pool.getStats().pooled()).isFalse();
		assertThat(pool.getStats().destroyed()).isEqualTo(1);
	}

	@Test
	void fullAsyncPoolFailsAfterWaitTimeout() throws Exception {
		AsyncPool pool = registry().attachAsync(new PoolDefinition(PoolRole.MASTER, PoolType.ASYNC, uri(0),
				CONNECTION, true, 1, 0, Duration.ofMillis(200)));
		StatefulRedisConnection<String, String> held = pool.<StatefulRedisConnection<String, String>>acquireAsync().get(5, TimeUnit.SECONDS);
		CompletableFuture<StatefulRedisConnection<String, String>> waiting = pool.acquireAsync();
		assertThat(pool.getStats().waiting()).isEqualTo(1);
		assertThat(waiting).failsWithin(Duration.ofSeconds(5))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(PoolExhaustedException.class);
		CompletableFuture<StatefulRedisConnection<String, String>> served = pool.acquireAsync();
		pool.releaseAsync(held).get(5, TimeUnit.SECONDS);
		StatefulRedisConnection<String, String> next = served.get(5, TimeUnit.SECONDS);
		assertThat(next.sync().ping()).isEqualTo("PONG");
		pool.releaseAsync(next).get(5, TimeUnit.SECONDS);
		assertThat(pool.getStats().waiting()).isZero();
	}

	@Test
	void threadsDoNotGrowWithThePoolCount() {
		SharedPoolRegistry registry = registry();
		for (int database = 0; database < 12; database++) {
			try (PoolLease lease = registry.attach(definition(PoolRole.MASTER, database)).lease()) {
				sync(lease).ping();
			}
		}
		long lettuceThreads = Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith("lettuce-"))
			.count();
		// Event loops and computation threads are sized by cores (at least 3 each), plus one timer.
		int cores = Runtime.getRuntime().availableProcessors();
		assertThat(lettuceThreads).isLessThanOrEqualTo(2L * Math.max(3, cores) + 1);
		assertThat(connections()).isEqualTo(12);
	}

	@Test
	void lastDetachClosesThePoolAndItsConnections() {
		SharedPoolRegistry registry = registry();
		BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0));
		registry.attach(definition(PoolRole.MASTER, 0));
		try (PoolLease lease = pool.lease()) {
			sync(lease).ping();
		}
		registry.detach(pool);
		assertThat(connections()).isEqualTo(1);
		registry.detach(pool);
		await().atMost(Duration.ofSeconds(5)).until(() -> connections() == 0);
		assertThat(registry.getPoolStats().totalPools()).isZero();
	}

	@Test
	void cleanupTaskStartsAndStops() {
		SharedPoolRegistry registry = new SharedPoolRegistry(resources, Duration.ofMillis(20), Duration.ofMillis(20),
				true);
		this.registries.add(registry);
		BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0));
		long cleanupThreads = cleanupThreads();
		registry.startCleanupTask();
		assertThat(registry.isCleanupTaskRunning()).isTrue();
		assertThat(cleanupThreads()).isEqualTo(cleanupThreads + 1);
		try (PoolLease lease = pool.lease()) {
			sync(lease).ping();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> registry.getPoolStats().totalPools() == 0);
		registry.stopCleanupTask();
		assertThat(registry.isCleanupTaskRunning()).isFalse();
		// The executor's worker thread ends a moment after the executor reports termination.
		await().atMost(Duration.ofSeconds(5)).until(() -> cleanupThreads() == cleanupThreads);
	}

	private static long cleanupThreads() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith("gd-node-pool-cleanup"))
			.count();
	}

	@Test
	void connectionHeldPastLeakThresholdIsReportedOnceAndAgainWhenReturned(CapturedOutput output) throws Exception {
		SharedPoolRegistry registry = registry();
		registry.setLeakDetectionThreshold(Duration.ofMillis(200));
		BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0));
		StatefulRedisConnection<?, ?> held = pool.borrow();
		await().atMost(Duration.ofSeconds(5)).until(() -> pool.getStats().leaked() == 1);
		Thread.sleep(300);
		pool.giveBack(held);
		String log = output.getOut();
		assertThat(log.split("connection leak detection triggered", -1)).hasSize(2);
		assertThat(log).contains("master - connection leak detection triggered")
			.contains("java.lang.Exception: Apparent connection leak detected")
			.contains("at io.gdnode.pool.registry.SharedPoolRegistryTests.connectionHeldPastLeakThreshold")
			.contains("master - previously reported leaked connection taken by thread");
		assertThat(pool.getStats().leaked()).isEqualTo(1);
	}

	@Test
	void connectionReturnedWithinLeakThresholdIsNotReported(CapturedOutput output) throws Exception {
		SharedPoolRegistry registry = registry();
		registry.setLeakDetectionThreshold(Duration.ofMillis(500));
		BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0));
		try (PoolLease lease = pool.lease()) {
			sync(lease).ping();
		}
		Thread.sleep(700);
		assertThat(output.getOut()).doesNotContain("leak detection triggered");
		assertThat(pool.getStats().leaked()).isZero();
	}

	@Test
	void closeNowIsRefusedWhileInUseAndReopensOnNextUse() {
		SharedPoolRegistry registry = registry();
		BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0));
		StatefulRedisConnection<?, ?> held = pool.borrow();
		assertThatExceptionOfType(PoolInUseException.class).isThrownBy(pool::closeNow)
			.withMessageContaining("'master' is in use (1 lease(s), 1 connection(s) lent, 0 caller(s) waiting)");
		pool.giveBack(held);
		pool.closeNow();
		assertThat(registry.getOpenPool("master")).isNull();
		await().atMost(Duration.ofSeconds(5)).until(() -> connections() == 0);
		try (PoolLease lease = pool.lease()) {
			assertThat(sync(lease).ping()).isEqualTo("PONG");
		}
	}

	@Test
	void evictionClosesIdleConnectionsOnly() {
		BlockingPool pool = registry().attach(definition(PoolRole.MASTER, 0));
		StatefulRedisConnection<?, ?> first = pool.borrow();
		StatefulRedisConnection<?, ?> second = pool.borrow();
		pool.giveBack(first);
		assertThat(pool.evictIdleConnections()).isEqualTo(1);
		assertThat(pool.getStats().idle()).isZero();
		assertThat(pool.getStats().active()).isEqualTo(1);
		assertThat(second.sync().ping()).isEqualTo("PONG");
		pool.giveBack(second);
		await().atMost(Duration.ofSeconds(5)).until(() -> connections() == 1);
	}

	@Test
	void pingNeitherOpensAClosedPoolNorCountsAsUse() throws Exception {
		SharedPoolRegistry registry = registry(Duration.ofMillis(300));
		BlockingPool pool = registry.attach(definition(PoolRole.MASTER, 0));
		assertThat(pool.ping(Duration.ofSeconds(2))).isPositive();
		assertThat(registry.getOpenPool("master")).isNull();
		try (PoolLease lease = pool.lease()) {
			sync(lease).ping();
		}
		long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
		while (registry.getOpenPool("master") != null && System.nanoTime() < end) {
			pool.ping(Duration.ofSeconds(2));
			registry.runCleanup();
			Thread.sleep(50);
		}
		assertThat(registry.getOpenPool("master")).as("closed by the cleanup despite health checks").isNull();
	}

	@Test
	void pingOfAnUnreachableServerFailsWithinItsTimeout() {
		BlockingPool pool = registry().attach(definition(
				RedisURI.create("redis://127.0.0.1:" + LocalRedisServer.freeLoopbackPort())));
		long start = System.nanoTime();
		assertThatExceptionOfType(PingFailure.class).isThrownBy(() -> pool.ping(Duration.ofMillis(300)))
			.withMessageContaining("refused the connection")
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(PingFailure.Reason.REFUSED));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
	}

	private SharedPoolRegistry registry() {
		return registry(Duration.ofMinutes(5));
	}

	private SharedPoolRegistry registry(Duration idleTimeout) {
		SharedPoolRegistry registry = new SharedPoolRegistry(resources, idleTimeout, Duration.ofMinutes(1), true);
		this.registries.add(registry);
		return registry;
	}

	private RedisURI uri(int database) {
		RedisURI uri = RedisURI.create(redis.url(database));
		uri.setClientName(this.client);
		return uri;
	}

	private PoolDefinition definition(PoolRole role, int database) {
		return definition(role, database, 10, Duration.ofSeconds(5));
	}

	private PoolDefinition definition(PoolRole role, int database, int size, Duration wait) {
		return new PoolDefinition(role, PoolType.SYNC, uri(database), CONNECTION, true, size, 0, wait);
	}

	private PoolDefinition definition(RedisURI uri) {
		if (uri.getClientName() == null) {
			uri.setClientName(this.client);
		}
		return new PoolDefinition(PoolRole.MASTER, PoolType.SYNC, uri, CONNECTION, true, 10, 0,
				Duration.ofSeconds(5));
	}

	@SuppressWarnings("unchecked")
	private static RedisCommands<byte[], byte[]> bytes(PoolLease lease) {
		return ((StatefulRedisConnection<byte[], byte[]>) lease.sharedConnection()).sync();
	}

	private static StringCommands sync(PoolLease lease) {
		return new StringCommands(bytes(lease));
	}

	private long connections() {
		return redis.clientsNamed(this.client + "-");
	}

	private static void runConcurrently(int threads, int iterations, Callable<Void> work) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Void>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				results.add(executor.submit(() -> {
					for (int i = 0; i < iterations; i++) {
						work.call();
					}
					return null;
				}));
			}
			for (Future<Void> result : results) {
				result.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * String commands over the byte-array shared connection.
	 */
	private record StringCommands(RedisCommands<byte[], byte[]> commands) {

		String ping() {
			return this.commands.ping();
		}

		void set(String key, String value) {
			this.commands.set(key.getBytes(), value.getBytes());
		}

		String get(String key) {
			byte[] value = this.commands.get(key.getBytes());
			return (value != null) ? new String(value) : null;
		}

	}

}
