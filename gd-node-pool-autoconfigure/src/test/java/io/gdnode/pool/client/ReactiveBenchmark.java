package io.gdnode.pool.client;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.gdnode.pool.StarterContext;
import io.gdnode.pool.localredis.LocalRedisServer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Measures the reactive path side by side: {@code ReactiveStringRedisTemplate} GET/SET (50/50,
 * 1,000 keys, 16-byte values) with {@code flatMap(op, N)} for N = 1 / 16 / 64 / 256 operations
 * in flight, on the starter's master factory and on Spring Boot's default
 * {@link LettuceConnectionFactory}, each against a redis-server of its own. The subjects take
 * turns in interleaved rounds, the order alternating; each starter cell is divided by Boot's cell
 * of the same round and N, and the medians (and ranges) of those paired ratios are printed, with
 * this process's CPU time per operation (steadier than throughput on a shared machine), the
 * connections each holds and the machine's load average. Run from the repository root:
 * <pre>
 * ./mvnw -o -q -pl gd-node-pool-autoconfigure -am test-compile dependency:build-classpath \
 *   -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -cp gd-node-pool-autoconfigure/target/test-classes:gd-node-pool-autoconfigure/target/classes:$(cat \
 *   gd-node-pool-autoconfigure/target/test-classpath.txt) io.gdnode.pool.client.ReactiveBenchmark \
 *   [rounds, 9] [seconds per cell, 1] [in flight, 1,16,64,256]
 * </pre>
 */
public final class ReactiveBenchmark {

	private static final int KEYS = 1000;

	private static final String VALUE = "0123456789abcdef";

	private ReactiveBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 9;
		double seconds = (args.length > 1) ? Double.parseDouble(args[1]) : 1;
		int[] inFlight = (args.length > 2) ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
				: new int[] { 1, 16, 64, 256 };
		try (LocalRedisServer bootServer = LocalRedisServer.start();
				LocalRedisServer roleServer = LocalRedisServer.start();
				LocalRedisServer uncoalescedRoleServer = LocalRedisServer.start()) {
			System.out.printf("%d rounds of %.1f s per cell, %d cores, load average %s%n%n", rounds, seconds,
					Runtime.getRuntime().availableProcessors(), loadAverage());
			List<Subject> subjects = List.of(Subject.boot(bootServer), Subject.role(roleServer, true),
					Subject.role(uncoalescedRoleServer, false));
			try {
				run(subjects, rounds, seconds, inFlight);
			}
			finally {
				subjects.forEach((subject) -> subject.close().run());
			}
			System.out.printf("%nload average at the end %s%n", loadAverage());
		}
	}

	private static void run(List<Subject> subjects, int rounds, double seconds, int[] inFlight) {
		for (Subject subject : subjects) {
			measure(subject.template(), 64, 1);
		}
		Map<String, List<Double>> throughput = new LinkedHashMap<>();
		Map<String, List<Double>> cpuPerOperation = new LinkedHashMap<>();
		for (int n : inFlight) {
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < subjects.size(); i++) {
					Subject subject = subjects.get((round % 2 == 0) ? i : subjects.size() - 1 - i);
					long cpuBefore = processCpuNanos();
					double opsPerSecond = measure(subject.template(), n, seconds);
					// One subject runs at a time: the process's CPU time in the cell is its own.
					double cpuMicros = (processCpuNanos() - cpuBefore) / 1e3 / (opsPerSecond * seconds);
					throughput.computeIfAbsent(subject.name() + "@" + n, (key) -> new ArrayList<>()).add(opsPerSecond);
					cpuPerOperation.computeIfAbsent(subject.name() + "@" + n, (key) -> new ArrayList<>()).add(cpuMicros);
				}
			}
		}
		Subject boot = subjects.get(0);
		System.out.printf("%-28s %8s %12s %22s %14s%n", "subject", "in flight", "ops/s", "ratio to Boot (range)",
				"client CPU/op");
		for (int n : inFlight) {
			List<Double> base = throughput.get(boot.name() + "@" + n);
			for (Subject subject : subjects) {
				List<Double> own = throughput.get(subject.name() + "@" + n);
				List<Double> ratios = new ArrayList<>();
				for (int round = 0; round < own.size(); round++) {
					ratios.add(own.get(round) / base.get(round));
				}
				System.out.printf(Locale.ROOT, "%-28s %8d %12.0f %8.2fx (%.2f-%.2f) %11.1f us%n", subject.name(), n,
						median(own), median(ratios), ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
						ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0),
						median(cpuPerOperation.get(subject.name() + "@" + n)));
			}
		}
		System.out.println();
		for (Subject subject : subjects) {
			System.out.printf("%-28s holds %d connection(s)%n", subject.name(), subject.server().clientList().size());
		}
	}

	private static double measure(ReactiveStringRedisTemplate template, int inFlight, double seconds) {
		long start = System.nanoTime();
		long deadline = start + (long) (seconds * 1e9);
		long done = Flux.range(0, Integer.MAX_VALUE)
			.takeWhile((i) -> System.nanoTime() < deadline)
			.flatMap((i) -> operation(template), inFlight)
			.count()
			.block();
		return done / ((System.nanoTime() - start) / 1e9);
	}

	private static Mono<?> operation(ReactiveStringRedisTemplate template) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String key = "key:" + random.nextInt(KEYS);
		return random.nextBoolean() ? template.opsForValue().set(key, VALUE)
				: template.opsForValue().get(key).defaultIfEmpty("");
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private static String loadAverage() {
		try {
			return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

	private record Subject(String name, LocalRedisServer server, ReactiveStringRedisTemplate template, Runnable close) {

		static Subject boot(LocalRedisServer server) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(server.host(), server.port()),
					LettuceClientConfiguration.builder().build());
			factory.afterPropertiesSet();
			factory.start();
			return new Subject("Boot default", server, new ReactiveStringRedisTemplate(factory), factory::destroy);
		}

		static Subject role(LocalRedisServer server, boolean coalesce) {
			ConfigurableApplicationContext context = StarterContext.start("redis.url=" + server.url(),
					"redis.client.coalesce=" + (coalesce ? "1" : "0"), "redis.client.name=reactive-benchmark");
			return new Subject("starter, coalesce " + (coalesce ? "on" : "off"), server,
					new ReactiveStringRedisTemplate(context.getBean(ReactiveRedisConnectionFactory.class)), context::close);
		}

	}

}
