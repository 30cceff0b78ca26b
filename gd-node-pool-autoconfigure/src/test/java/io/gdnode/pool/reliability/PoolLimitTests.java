package io.gdnode.pool.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.gdnode.pool.ConnectionSettings;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolExhaustedException;
import io.gdnode.pool.PoolRole;
import io.gdnode.pool.PoolType;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.registry.BlockingPool;
import io.gdnode.pool.registry.PoolLease;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis out of clients, a pool with more callers than connections, and
 * the idle cleanup racing borrows; all against a real {@code redis-server} on loopback.
 */
class PoolLimitTests {

	private static final AtomicInteger names = new AtomicInteger();

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private static ClientResources resources;

	private final String client = "pool-limit-" + names.incrementAndGet();

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

	/**
	 * Once Redis refuses new clients ({@code maxclients}), a caller needing a new
	 * connection gets a clear error naming pool, endpoint and cause well within the connect
	 * timeout; connections already open keep working; and 16 callers asking over and over make at
	 * most a handful of connection attempts per second, counted by Redis itself.
	 */
	@Test
	void maxClientsReachedFailsFastKeepsOpenConnectionsAndBoundsAttempts() throws Exception {
		Duration connectTimeout = Duration.ofSeconds(2);
		ConnectionSettings connection = new ConnectionSettings(connectTimeout, Duration.ofSeconds(5),
				Duration.ofSeconds(30), 10_000, Duration.ofSeconds(1));
		BlockingPool pool = registry(Duration.ofMinutes(5)).attach(definition(8, Duration.ofSeconds(2), connection));
		RedisClient monitorClient = RedisClient.create(resources, redis.url());
		try (StatefulRedisConnection<String, String> monitor = monitorClient.connect(); PoolLease lease = pool.lease()) {
			bytes(lease.sharedConnection()).set("k".getBytes(), "v".getBytes());
			StatefulRedisConnection<?, ?> borrowed = pool.borrow();
			long connected = info(monitor.sync(), "clients", "connected_clients");
			monitor.sync().configSet("maxclients", String.valueOf(connected));
			try {
				long rejectedBefore = info(monitor.sync(), "stats", "rejected_connections");
				long acceptedBefore = info(monitor.sync(), "stats", "total_connections_received");
				Duration load = Duration.ofSeconds(3);
				List<Long> firstErrorMillis = Collections.synchronizedList(new ArrayList<>());
				Set<String> messages = ConcurrentHashMap.newKeySet();
				AtomicInteger borrows = new AtomicInteger();
				AtomicInteger failures = new AtomicInteger();
				long start = System.nanoTime();
				runConcurrently(16, () -> {
					boolean first = true;
					while (System.nanoTime() - start < load.toNanos()) {
						long attempt = System.nanoTime();
						try {
							pool.giveBack(pool.borrow());
							borrows.incrementAndGet();
						}
						catch (RuntimeException ex) {
							failures.incrementAndGet();
							messages.add(ex.getMessage().replaceAll("\\d+ ms\\)", "N ms)"));
							if (first) {
								firstErrorMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attempt));
							}
						}
						first = false;
						Thread.sleep(10);
					}
				});
				double seconds = (System.nanoTime() - start) / 1e9;
				long rejected = info(monitor.sync(), "stats", "rejected_connections") - rejectedBefore;
				long accepted = info(monitor.sync(), "stats", "total_connections_received") - acceptedBefore;
				// Connections open before the limit keep working.
				assertThat(new String(bytes(lease.sharedConnection()).get("k".getBytes()))).isEqualTo("v");
				assertThat(bytes(borrowed).ping()).isEqualTo("PONG");
				pool.giveBack(borrowed);
				long slowestFirstError = Collections.max(firstErrorMillis);
				assertThat(borrows.get()).isZero();
				assertThat(messages).allSatisfy((message) -> assertThat(message).contains("Redis pool 'master'")
					.contains("redis://" + redis.host() + ":" + redis.port()));
				// Redis answers a refused client with this reply and closes; when the close wins the
				// race with Lettuce's handshake, Lettuce reports that instead, so not every message has it.
				String message = messages.stream()
					.filter((candidate) -> candidate.contains("max number of clients reached"))
					.findFirst()
					.orElseThrow(() -> new AssertionError("no failure gave Redis's reason: " + messages));
				assertThat(Duration.ofMillis(slowestFirstError)).isLessThan(connectTimeout);
				double perSecond = (rejected + accepted) / seconds;
				assertThat(perSecond).as("connection attempts per second").isLessThanOrEqualTo(5.0);
				FailureReport.record("7. maxclients reached (16 callers, 3 s)", String.format(Locale.ROOT,
						"every borrow failed, naming pool and endpoint, e.g. \"%s\"; first error after at most %d ms (connect timeout %s); "
								+ "open connections kept working; Redis saw %d attempts (%.1f/s) for %d failed borrows",
						message, slowestFirstError, FailureReport.format(connectTimeout), rejected + accepted,
						perSecond, failures.get()));
			}
			finally {
				monitor.sync().configSet("maxclients", "10000");
			}
		}
		finally {
			monitorClient.shutdown(0, 2, TimeUnit.SECONDS);
		}
	}

	/**
	 * 64 callers on a pool of 8 whose connections are held by {@code BLPOP} for longer
	 * than the wait bound: Redis sees exactly 8 dedicated connections plus the shared one, 8
	 * callers get a connection, the other 56 a {@link PoolExhaustedException} with the pool's
	 * numbers no earlier than the wait bound and no later than the bound plus a margin, nothing
	 * deadlocks, and no connection stays lent afterwards.
	 */
	@Test
	void sixtyFourCallersOnAPoolOfEightGetAConnectionOrExhaustedWithinTheWaitBound() throws Exception {
		Duration wait = Duration.ofMillis(500);
		BlockingPool pool = registry(Duration.ofMinutes(5))
			.attach(definition(8, wait, ConnectionSettings.defaults(Duration.ofSeconds(5), Duration.ofSeconds(10))));
		try (PoolLease lease = pool.lease()) {
			bytes(lease.sharedConnection()).ping();
		}
		List<Long> exhaustedMillis = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger served = new AtomicInteger();
		AtomicReference<String> message = new AtomicReference<>();
		AtomicLong mostConnections = new AtomicLong();
		AtomicReference<List<Map<String, String>>> mostClients = new AtomicReference<>();
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService callers = Executors.newFixedThreadPool(64);
		try {
			List<Future<?>> results = new ArrayList<>();
			for (int i = 0; i < 64; i++) {
				results.add(callers.submit(() -> {
					go.await();
					long start = System.nanoTime();
					StatefulRedisConnection<?, ?> connection;
					try {
						connection = pool.borrow();
					}
					catch (PoolExhaustedException ex) {
						exhaustedMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
						message.compareAndSet(null, ex.getMessage());
						return null;
					}
					served.incrementAndGet();
					try {
						// Holds the connection 1.5 s, server-side, without blocking Redis.
						bytes(connection).blpop(1.5, ("empty-" + this.client).getBytes());
					}
					finally {
						pool.giveBack(connection);
					}
					return null;
				}));
			}
			go.countDown();
			long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
			while (System.nanoTime() < deadline) {
				List<Map<String, String>> clients = redis.clientList();
				long named = clients.stream()
					.filter((client) -> client.getOrDefault("name", "").startsWith(this.client + "-master"))
					.count();
				if (named > mostConnections.get()) {
					mostConnections.set(named);
					mostClients.set(clients);
				}
			}
			for (Future<?> result : results) {
				result.get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
		}
		long slowest = Collections.max(exhaustedMillis);
		long fastest = Collections.min(exhaustedMillis);
		assertThat(mostConnections.get()).as(() -> "connections Redis saw from the pool, among " + mostClients.get())
			.isEqualTo(9);
		assertThat(served.get()).isEqualTo(8);
		assertThat(exhaustedMillis).hasSize(56);
		assertThat(fastest).as("fastest exhausted caller, ms").isGreaterThanOrEqualTo(wait.toMillis());
		// The goal is the bound + 100 ms; two shared cores running other builds get 400 ms more.
		assertThat(slowest).as("slowest exhausted caller, ms").isLessThanOrEqualTo(wait.toMillis() + 500);
		// The setting to change is added where properties are known (PoolExceptionTranslatorTests).
		assertThat(message.get()).contains("Redis pool 'master'").contains("(8 in use, ").contains("waiting")
			.contains("none came back within PT0.5S");
		assertThat(pool.getStats().active()).isZero();
		FailureReport.record("9. pool exhaustion (64 callers, pool of 8, wait 500 ms)", "Redis saw "
				+ mostConnections.get() + " connections (8 dedicated + 1 shared); 8 callers served, 56 got "
				+ "PoolExhaustedException after " + fastest + "-" + slowest + " ms: \"" + message.get()
				+ "\"; no deadlock; 0 active afterwards");
	}

	/**
	 * With an idle timeout of 20 ms and a cleanup every 5 ms, 4 threads run 10,000
	 * borrow-use-return cycles while the cleanup closes the pool whenever all of them pause: zero
	 * errors, and no caller is ever handed a closed pool or connection.
	 */
	@Test
	void cleanupEveryFiveMillisecondsRacingTenThousandBorrowsCausesNoError() throws Exception {
		SharedPoolRegistry registry = new SharedPoolRegistry(resources, Duration.ofMillis(20), Duration.ofMillis(5), true);
		this.registries.add(registry);
		registry.startCleanupTask();
		BlockingPool pool = registry
			.attach(definition(4, Duration.ofSeconds(5), ConnectionSettings.defaults(Duration.ofSeconds(5), Duration.ofSeconds(10))));
		AtomicInteger cycles = new AtomicInteger();
		AtomicInteger errors = new AtomicInteger();
		AtomicReference<Throwable> firstError = new AtomicReference<>();
		CyclicBarrier pause = new CyclicBarrier(4);
		long start = System.nanoTime();
		runConcurrently(4, () -> {
			for (int i = 1; i <= 2500; i++) {
				try {
					StatefulRedisConnection<?, ?> connection = pool.borrow();
					try {
						bytes(connection).ping();
					}
					finally {
						pool.giveBack(connection);
					}
					if (i % 2 == 0) {
						try (PoolLease lease = pool.lease()) {
							bytes(lease.sharedConnection()).ping();
						}
					}
					cycles.incrementAndGet();
				}
				catch (RuntimeException ex) {
					errors.incrementAndGet();
					firstError.compareAndSet(null, ex);
				}
				if (i % 250 == 0) {
					// All four pause together, longer than the idle timeout: that is when the cleanup strikes.
					pause.await(10, TimeUnit.SECONDS);
					Thread.sleep(40);
				}
			}
		});
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		long created = pool.getStats().created();
		assertThat(firstError.get()).as("first error").isNull();
		assertThat(errors.get()).isZero();
		assertThat(cycles.get()).isEqualTo(10_000);
		// One open life of the pool needs at most 5 connections (4 dedicated, 1 shared); more means it was closed and reopened.
		assertThat(created).as("connections created").isGreaterThan(5);
		FailureReport.record("10. cleanup racing borrows (idle 20 ms, cleanup every 5 ms, 4 threads)",
				cycles.get() + " borrow-use-return cycles in " + FailureReport.format(took) + ", " + errors.get()
						+ " errors; the cleanup closed the pool between uses (" + created
						+ " connections created in all, at most 5 per open life)");
	}

	private SharedPoolRegistry registry(Duration idleTimeout) {
		SharedPoolRegistry registry = new SharedPoolRegistry(resources, idleTimeout, Duration.ofMinutes(1), true);
		this.registries.add(registry);
		return registry;
	}

	private PoolDefinition definition(int size, Duration wait, ConnectionSettings connection) {
		RedisURI uri = RedisURI.create(redis.url());
		uri.setClientName(this.client);
		return new PoolDefinition(PoolRole.MASTER, PoolType.SYNC, uri, connection, true, size, 0, wait);
	}

	@SuppressWarnings("unchecked")
	private static RedisCommands<byte[], byte[]> bytes(StatefulRedisConnection<?, ?> connection) {
		return ((StatefulRedisConnection<byte[], byte[]>) connection).sync();
	}

	private static long info(RedisCommands<String, String> commands, String section, String field) {
		for (String line : commands.info(section).split("\r?\n")) {
			if (line.startsWith(field + ":")) {
				return Long.parseLong(line.substring(field.length() + 1).trim());
			}
		}
		throw new IllegalStateException("INFO " + section + " has no " + field);
	}

	private static void runConcurrently(int threads, Work work) throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Void>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				results.add(executor.submit(() -> {
					work.run();
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

	@FunctionalInterface
	private interface Work {

		void run() throws Exception;

	}

}
