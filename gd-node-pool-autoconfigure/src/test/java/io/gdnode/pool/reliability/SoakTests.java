package io.gdnode.pool.reliability;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.client.AsyncRedisPool;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.SharedPoolRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Soak: mixed load (sync {@code GET}/{@code SET}/{@code INCR}, {@code MULTI}/{@code EXEC}
 * transactions, the async pool) while Redis is killed with SIGKILL and restarted on its
 * append-only file every few seconds, and load pauses now and then long enough for the idle
 * cleanup to close every pool. At the end: no acknowledged {@code INCR} was lost across restarts,
 * load recovered after every restart, threads did not grow (at most 2 more than after warm-up),
 * connections stayed within the pools' bounds and all close once idle, and the heap after GC grew
 * by at most 32 MB (threads and heap are compared with the first full restart-and-cleanup cycle,
 * by which time Lettuce has started the threads it starts on demand).
 * <p>
 * Runs 20 s by default, so {@code ./mvnw -Pfull verify} runs it briefly. The 10-minute run:
 * <pre>
 * ./mvnw -pl gd-node-pool-autoconfigure -am verify -Pfull -Dtest=SoakTests -Dsurefire.failIfNoSpecifiedTests=false -Dsoak.duration=10m
 * </pre>
 */
@Tag("long") // 20 s of load while Redis is killed and restarted, by design: run with -Pfull
class SoakTests {

	private static final int SYNC_POOL_SIZE = 4;

	private static final int ASYNC_POOL_SIZE = 4;

	/**
	 * The most connections the application may have open: the master pool, its shared and its
	 * transaction connection (reactive operations share the master pool), the async pool.
	 */
	private static final int MOST_CONNECTIONS = SYNC_POOL_SIZE + 2 + ASYNC_POOL_SIZE;

	private static final long HEAP_MARGIN_BYTES = 32L * 1024 * 1024;

	private final Duration duration = DurationStyle.detectAndParse(System.getProperty("soak.duration", "20s"));

	private final AtomicLong operations = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	/** The highest INCR result Redis acknowledged: after a restart the counter must be at least this. */
	private final AtomicLong acknowledged = new AtomicLong();

	private volatile boolean quiet;

	private volatile boolean running = true;

	@Test
	void mixedLoadWithRedisRestartsAndCleanupsLeaksNothing() throws Exception {
		LocalRedisServer redis = LocalRedisServer.start("--appendonly", "yes", "--appendfsync", "always");
		String application = "soak";
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.properties("redis.master.url=" + redis.url(), "redis.client.name=" + application,
					"redis.master.pool.size=" + SYNC_POOL_SIZE, "redis.async.pool.min=" + ASYNC_POOL_SIZE,
					"redis.async.pool.max=" + ASYNC_POOL_SIZE, "redis.timeout.command=2s", "redis.timeout.connect=1s",
					"redis.timeout.reconnect=500ms", "redis.timeout.wait=2s", "redis.timeout.idle=1s",
					"redis.cleanup.interval=250ms")
			.run();
		ExecutorService load = Executors.newFixedThreadPool(3);
		try {
			StringRedisTemplate template = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
			AsyncRedisPool async = context.getBean(AsyncRedisPool.class);
			List<Future<?>> workers = List.of(load.submit(() -> run(() -> plain(template))),
					load.submit(() -> run(() -> transaction(template))),
					load.submit(() -> run(() -> async.execute((commands) -> commands.incr("async"))
						.get(5, TimeUnit.SECONDS))));
			long threadsAtStart = -1;
			long heapAtStart = -1;
			long start = System.nanoTime();
			int restarts = 0;
			int cleanups = 0;
			long slowestRecovery = 0;
			long mostConnections = 0;
			while (System.nanoTime() - start < this.duration.toNanos()) {
				Thread.sleep(3000);
				mostConnections = Math.max(mostConnections, redis.clientsNamed(application + "-"));
				if (restarts <= cleanups) {
					long ackedBeforeKill = this.acknowledged.get();
					redis.kill();
					redis = redis.restart();
					restarts++;
					assertThat(Long.parseLong(redis.command("GET", "counter"))).as("counter after restart")
						.isGreaterThanOrEqualTo(ackedBeforeKill);
					slowestRecovery = Math.max(slowestRecovery, recover());
				}
				else {
					// Quiet longer than the idle timeout: the cleanup closes every pool, the next use reopens it.
					this.quiet = true;
					LocalRedisServer server = redis;
					await().atMost(Duration.ofSeconds(10)).until(() -> server.clientsNamed(application + "-") == 0);
					this.quiet = false;
					cleanups++;
					recover();
				}
				if (threadsAtStart < 0 && restarts == 1 && cleanups == 1) {
					// Measured after one restart and one cleanup: threads Lettuce starts on demand are up.
					threadsAtStart = threads();
					heapAtStart = heapAfterGc();
				}
			}
			mostConnections = Math.max(mostConnections, redis.clientsNamed(application + "-"));
			long threadsAtEnd = threads();
			long heapAtEnd = heapAfterGc();
			this.running = false;
			for (Future<?> worker : workers) {
				worker.get(10, TimeUnit.SECONDS);
			}
			LocalRedisServer server = redis;
			await().atMost(Duration.ofSeconds(10)).until(() -> server.clientsNamed(application + "-") == 0);
			assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats().totalPools()).isZero();
			assertThat(threadsAtEnd).as("threads").isLessThanOrEqualTo(threadsAtStart + 2);
			assertThat(mostConnections).as("most connections seen").isLessThanOrEqualTo(MOST_CONNECTIONS);
			assertThat(heapAtEnd - heapAtStart).as("heap growth after GC").isLessThanOrEqualTo(HEAP_MARGIN_BYTES);
			FailureReport.record("Soak (" + FailureReport.format(this.duration) + ", 3 load threads)",
					String.format(Locale.ROOT, "%d operations, %d errors (all during %d kill -9 restarts); slowest "
							+ "recovery %d ms; %d idle cleanups closed every pool; no acknowledged INCR lost; threads "
							+ "%d -> %d; at most %d connections (bound %d), 0 once idle; heap after GC %+.1f MB",
							this.operations.get(), this.errors.get(), restarts, slowestRecovery, cleanups,
							threadsAtStart, threadsAtEnd, mostConnections, MOST_CONNECTIONS,
							(heapAtEnd - heapAtStart) / 1048576.0));
		}
		finally {
			this.running = false;
			load.shutdownNow();
			context.close();
			redis.close();
		}
	}

	/**
	 * Wait until load succeeds again, returning how long that took in milliseconds.
	 */
	private long recover() {
		long start = System.nanoTime();
		long before = this.operations.get();
		await().atMost(Duration.ofSeconds(15)).until(() -> this.operations.get() > before + 10);
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

	private void plain(StringRedisTemplate template) {
		template.opsForValue().set("plain", "v");
		template.opsForValue().get("plain");
		long value = template.opsForValue().increment("counter");
		this.acknowledged.accumulateAndGet(value, Math::max);
	}

	private void transaction(StringRedisTemplate template) {
		List<Object> results = template.execute(new SessionCallback<List<Object>>() {

			@Override
			@SuppressWarnings({ "unchecked", "rawtypes" })
			public List<Object> execute(RedisOperations operations) {
				operations.multi();
				operations.opsForValue().increment("tx");
				operations.opsForValue().set("tx-last", "v");
				return operations.exec();
			}

		});
		assertThat(results).hasSize(2);
	}

	private void run(Operation operation) {
		while (this.running) {
			if (this.quiet) {
				sleep(50);
				continue;
			}
			try {
				operation.run();
				this.operations.incrementAndGet();
			}
			catch (DataAccessException | IllegalStateException | ExecutionException | TimeoutException ex) {
				// Expected while Redis restarts; anything else fails the worker.
				this.errors.incrementAndGet();
				sleep(20);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static long threads() {
		return ManagementFactory.getThreadMXBean().getThreadCount();
	}

	private static long heapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
			sleep(100);
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	@FunctionalInterface
	private interface Operation {

		void run() throws Exception;

	}

	@SpringBootConfiguration
	@ImportAutoConfiguration({ RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class })
	static class Application {

	}

}
