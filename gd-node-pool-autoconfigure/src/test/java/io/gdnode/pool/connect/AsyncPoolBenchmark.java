package io.gdnode.pool.connect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.gdnode.pool.StarterContext;
import io.gdnode.pool.client.AsyncRedisPool;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures the async pool: one thread keeps 64 GET/SET (50/50, 1,000 keys, 16-byte values) in
 * flight through {@code asyncRedisPool.execute(...)}, against Lettuce's plain async API on one
 * connection (default client resources, no coalescing), on a redis-server of its own. Variants
 * of the pool's {@code min}/{@code max} (each in a context of its own with {@code redis.shared=0},
 * as the registry would otherwise merge pools that differ only in size) are open at once and take
 * turns in interleaved rounds, the order rotating each round; each throughput is divided by plain Lettuce's of the same round, and
 * the medians (and ranges) of those paired ratios are printed with the connections each held
 * (from {@code CLIENT LIST}) and CPU time per command of this process and of Redis. The load
 * average is printed before and after: the machine may be shared.
 * Run from the repository root:
 * <pre>
 * ./mvnw -o -q -pl gd-node-pool-autoconfigure -am test-compile dependency:build-classpath \
 *   -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -cp gd-node-pool-autoconfigure/target/test-classes:gd-node-pool-autoconfigure/target/classes:$(cat \
 *   gd-node-pool-autoconfigure/target/test-classpath.txt) io.gdnode.pool.connect.AsyncPoolBenchmark \
 *   [rounds, 10] [seconds per cell, 1] [calls in flight, 64]
 * </pre>
 */
public final class AsyncPoolBenchmark {

	private static final int KEYS = 1000;

	private static final String VALUE = "0123456789abcdef";

	private AsyncPoolBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
		double seconds = (args.length > 1) ? Double.parseDouble(args[1]) : 1;
		int inFlight = (args.length > 2) ? Integer.parseInt(args[2]) : 64;
		try (LocalRedisServer server = LocalRedisServer.start()) {
			System.out.printf("%d rounds of %.1f s per variant, %d in flight from one thread, %d cores, load average %s%n%n",
					rounds, seconds, inFlight, Runtime.getRuntime().availableProcessors(), loadAverage());
			List<Subject> subjects = new ArrayList<>();
			subjects.add(Subject.lettuce(server));
			subjects.add(Subject.pool(server, "pool min 5 max 20 (defaults)", 5, 20, true));
			subjects.add(Subject.pool(server, "pool min 1 max 20", 1, 20, true));
			subjects.add(Subject.pool(server, "pool min 2 max 2", 2, 2, true));
			subjects.add(Subject.pool(server, "pool min 1 max 1", 1, 1, true));
			subjects.add(Subject.pool(server, "pool min 5 max 20, coalescing off", 5, 20, false));
			try {
				run(subjects, server, rounds, seconds, inFlight);
			}
			finally {
				subjects.forEach((subject) -> subject.close().run());
			}
			System.out.printf("%nload average after: %s%n", loadAverage());
		}
	}

	private static void run(List<Subject> subjects, LocalRedisServer server, int rounds, double seconds,
			int inFlight) throws Exception {
		Map<String, List<Double>> throughput = new ConcurrentHashMap<>();
		Map<String, List<double[]>> cpu = new ConcurrentHashMap<>();
		Map<String, Long> connections = new ConcurrentHashMap<>();
		for (Subject subject : subjects) {
			measure(subject.calls(), inFlight, 1);
		}
		for (int round = 0; round < rounds; round++) {
			for (int i = 0; i < subjects.size(); i++) {
				Subject subject = subjects.get((i + round) % subjects.size());
				RedisTraffic before = RedisTraffic.of(List.of(server));
				double redisCpuBefore = CoalescingBenchmark.redisCpuSeconds(server);
				long clientCpuBefore = CoalescingBenchmark.clientCpuNanos();
				double opsPerSecond = measure(subject.calls(), inFlight, seconds);
				double clientCpu = (CoalescingBenchmark.clientCpuNanos() - clientCpuBefore) / 1e3;
				double redisCpu = (CoalescingBenchmark.redisCpuSeconds(server) - redisCpuBefore) * 1e6;
				long commands = RedisTraffic.of(List.of(server)).minus(before).commands();
				throughput.computeIfAbsent(subject.name(), (key) -> new ArrayList<>()).add(opsPerSecond);
				cpu.computeIfAbsent(subject.name(), (key) -> new ArrayList<>())
					.add(new double[] { clientCpu / commands, redisCpu / commands });
				connections.merge(subject.name(), server.clientsNamed(subject.clientName()), Math::max);
			}
		}
		String baseline = subjects.get(0).name();
		System.out.println("| variant | ops/s, median (range) | paired ratio to " + baseline
				+ ", median (range) | Redis connections held, most | client CPU µs per command | Redis CPU µs per command |");
		System.out.println("|---|---|---|---|---|---|");
		for (Subject subject : subjects) {
			List<Double> values = throughput.get(subject.name());
			List<Double> ratios = new ArrayList<>();
			for (int i = 0; i < values.size(); i++) {
				ratios.add(values.get(i) / throughput.get(baseline).get(i));
			}
			System.out.printf(Locale.ROOT, "| %s | %,.0f (%,.0f–%,.0f) | %.2f× (%.2f–%.2f) | %d | %.1f | %.2f |%n",
					subject.name(), CoalescingBenchmark.median(values), CoalescingBenchmark.min(values),
					CoalescingBenchmark.max(values), CoalescingBenchmark.median(ratios), CoalescingBenchmark.min(ratios),
					CoalescingBenchmark.max(ratios), connections.get(subject.name()),
					CoalescingBenchmark.median(cpu.get(subject.name()).stream().map((c) -> c[0]).toList()),
					CoalescingBenchmark.median(cpu.get(subject.name()).stream().map((c) -> c[1]).toList()));
		}
	}

	/**
	 * Keep {@code inFlight} calls in flight from this one thread for the given time.
	 */
	private static double measure(Function<RedisCall, CompletionStage<?>> calls, int inFlight, double seconds)
			throws InterruptedException {
		Semaphore free = new Semaphore(inFlight);
		LongAdder done = new LongAdder();
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long start = System.nanoTime();
		long end = start + (long) (seconds * 1e9);
		while (System.nanoTime() < end) {
			free.acquire();
			String key = "key:" + random.nextInt(KEYS);
			RedisCall call = random.nextBoolean() ? (commands) -> commands.set(key, VALUE) : (commands) -> commands.get(key);
			calls.apply(call).whenComplete((value, ex) -> {
				if (ex != null) {
					ex.printStackTrace();
				}
				done.increment();
				free.release();
			});
		}
		free.acquire(inFlight);
		return done.sum() / ((System.nanoTime() - start) / 1e9);
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

	/**
	 * One command on the async API.
	 */
	interface RedisCall extends Function<RedisAsyncCommands<String, String>, CompletionStage<String>> {

	}

	/**
	 * One way of running async calls, the client name its connections carry, and what closes it.
	 */
	private record Subject(String name, String clientName, Function<RedisCall, CompletionStage<?>> calls,
			Runnable close) {

		/** Lettuce's async API on one connection, as a plain Lettuce application uses it. */
		static Subject lettuce(LocalRedisServer server) {
			ClientResources resources = DefaultClientResources.create();
			RedisClient client = RedisClient.create(resources,
					RedisURI.builder(RedisURI.create(server.url())).withClientName("plain-lettuce").build());
			StatefulRedisConnection<String, String> connection = client.connect();
			RedisAsyncCommands<String, String> commands = connection.async();
			return new Subject("Lettuce async, one connection", "plain-lettuce", (call) -> call.apply(commands), () -> {
				connection.close();
				client.shutdown();
				resources.shutdown(0, 2, TimeUnit.SECONDS);
			});
		}

		/** The starter's async pool, its application context kept open until closed. */
		static Subject pool(LocalRedisServer server, String name, int min, int max, boolean coalesce) {
			String clientName = "bench-" + min + "-" + max + (coalesce ? "" : "-off");
			ConfigurableApplicationContext context = StarterContext.start("redis.url=" + server.url(),
					"redis.async.pool.min=" + min, "redis.async.pool.max=" + max,
					"redis.client.coalesce=" + (coalesce ? "1" : "0"), "redis.client.name=" + clientName, "redis.shared=0");
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			return new Subject(name, clientName + "-async", (call) -> pool.execute(call::apply), context::close);
		}

	}

}
