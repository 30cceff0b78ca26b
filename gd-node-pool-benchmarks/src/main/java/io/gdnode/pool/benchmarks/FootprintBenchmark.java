package io.gdnode.pool.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.gdnode.pool.localredis.LocalRedisServer;

/**
 * Sections 1 and 2: connections, threads and memory of {@link FootprintApplication} in every
 * mode and for every number of components, each run in a fresh JVM, modes interleaved.
 */
final class FootprintBenchmark {

	/** Fixed heap, so that memory differences are not the collector's choices; NMT for the breakdown. */
	static final List<String> JVM_ARGUMENTS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseG1GC",
			"-XX:NativeMemoryTracking=summary");

	/** Time for the application to settle (JIT, lazy initialisation) before the idle measurement. */
	private static final Duration SETTLE = Duration.ofSeconds(1);

	/** Long enough for the cleanup (or eviction), which runs every quarter of the idle timeout, to see it pass. */
	private static final Duration CLEANUP_WAIT = ApplicationMode.SHORT_IDLE_TIMEOUT.multipliedBy(5).dividedBy(2);

	private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

	private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(6);

	/**
	 * When a measurement is taken.
	 */
	enum Phase {

		IDLE("idle", "idle, after every component used every role once"),

		LOAD("under load", "under load: " + FootprintApplication.LOAD_THREADS
				+ " caller threads spread over every component and role, every tenth operation a transaction, "
				+ "measured when half of the load's operations have started (the same work in every mode)"),

		AFTER_CLEANUP("after cleanup", "idle again, " + CLEANUP_WAIT.toMillis()
				+ " ms after the load, with an idle timeout of " + ApplicationMode.SHORT_IDLE_TIMEOUT.toMillis() + " ms");

		private final String title;

		private final String description;

		Phase(String title, String description) {
			this.title = title;
			this.description = description;
		}

		String title() {
			return this.title;
		}

		String description() {
			return this.description;
		}

	}

	private final Options options;

	private final LocalRedisServer redis;

	private final Measurements measurements;

	private final Path logs;

	FootprintBenchmark(Options options, LocalRedisServer redis, Measurements measurements, Path logs) {
		this.options = options;
		this.redis = redis;
		this.measurements = measurements;
		this.logs = logs;
	}

	void run() throws InterruptedException {
		List<ApplicationMode> modes = List.of(ApplicationMode.values());
		for (int repetition = 1; repetition <= this.options.repetitions(); repetition++) {
			for (int n : this.options.componentCounts()) {
				// Rotating the order spreads any drift of the machine evenly over the modes.
				for (ApplicationMode mode : Options.rotated(modes, repetition + n)) {
					runOne(mode, n, repetition);
				}
			}
		}
	}

	private void runOne(ApplicationMode mode, int n, int repetition) throws InterruptedException {
		BenchmarkRunner.progress("footprint " + mode.label() + " N=" + n + " repetition " + repetition);
		awaitNoClients();
		Path log = this.logs.resolve("footprint-" + mode + "-" + n + "-" + repetition + ".log");
		try (ChildJvm child = ChildJvm.start(log, JVM_ARGUMENTS, FootprintApplication.class,
				List.of(mode.name(), String.valueOf(n), this.redis.url(),
						String.valueOf(this.options.footprintOperations())))) {
			child.await("READY", START_TIMEOUT);
			Thread.sleep(SETTLE.toMillis());
			record(mode, n, repetition, Phase.IDLE, child.pid());
			child.send("LOAD");
			child.await("LOADING", Duration.ofSeconds(10));
			child.await("HALFWAY", LOAD_TIMEOUT);
			record(mode, n, repetition, Phase.LOAD, child.pid());
			String[] loaded = child.await("LOADED", LOAD_TIMEOUT).split(" ");
			Object[] load = { "footprint", mode, n, Phase.LOAD };
			put(repetition, Double.parseDouble(loaded[0]), load, "opsPerSecond");
			put(repetition, Double.parseDouble(loaded[1]), load, "errors");
			Thread.sleep(CLEANUP_WAIT.toMillis());
			record(mode, n, repetition, Phase.AFTER_CLEANUP, child.pid());
			child.send("EXIT");
		}
		catch (RuntimeException ex) {
			BenchmarkRunner.progress("  failed: " + ex.getMessage() + " (" + log + ")");
		}
	}

	private void record(ApplicationMode mode, int n, int repetition, Phase phase, long pid) {
		Object[] at = { "footprint", mode, n, phase };
		// The server first: the client-side sample takes a moment (jcmd), during which pools may change.
		put(repetition, connectedClients() - 1, at, "connections");
		Map<String, Integer> byName = new TreeMap<>();
		this.redis.clientList().forEach((client) -> byName.merge(client.getOrDefault("name", ""), 1, Integer::sum));
		byName.forEach((name, count) -> put(repetition, count, at, "clients", name.isEmpty() ? "(no name)" : name));
		ProcessSample sample = ProcessSample.of(pid);
		put(repetition, sample.threads(), at, "threads");
		put(repetition, sample.redisClientThreads(), at, "redisClientThreads");
		put(repetition, sample.rssKib() / 1024.0, at, "rssMib");
		put(repetition, sample.pssKib() / 1024.0, at, "pssMib");
		put(repetition, sample.heapRssKib() / 1024.0, at, "heapRssMib");
		put(repetition, sample.rssOutsideHeapKib() / 1024.0, at, "rssOutsideHeapMib");
		put(repetition, sample.nmtNonHeapKib() / 1024.0, at, "nmtNonHeapMib");
		put(repetition, sample.nmtThreadKib() / 1024.0, at, "nmtThreadMib");
	}

	private void put(int repetition, double value, Object[] at, Object... metric) {
		this.measurements.put(repetition, value, Measurements.under(at, metric));
	}

	/**
	 * Return {@code connected_clients} of {@code INFO clients}, which counts the connection that asks.
	 */
	private int connectedClients() {
		return Integer.parseInt(RedisCounters.field(this.redis.command("INFO", "clients"), "connected_clients"));
	}

	/**
	 * Wait until the connections of the previous run have gone, so that they are not counted again.
	 */
	private void awaitNoClients() throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!this.redis.clientList().isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
	}

}
