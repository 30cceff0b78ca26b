package io.gdnode.pool.connect;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.topology.TestCertificates;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Measures coalesced writes: {@code StringRedisTemplate} GET/SET (50/50, 1,000 keys, 16-byte
 * values) at 1 / 4 / 16 / 64 threads on one shared connection, against a redis-server of its own.
 * Every variant is open at once and they take turns in interleaved rounds, the order rotating
 * each round; each variant's throughput is divided by the switched-off one's of the same round and
 * thread count, and the medians (and ranges) of those paired ratios are printed, with single-thread
 * p50 / p99 latency. CPU time per command, of this process and of Redis, is steadier than
 * throughput on a machine shared with other work.
 * <p>
 * Variants: Netty's {@link FlushConsolidationHandler}{@code (256, true)} against
 * {@link FlushCoalescingHandler}, each just above the {@link SslHandler} and at the head of the
 * pipeline (below TLS) on a TLS connection, on a plain {@link LettuceConnectionFactory}; and the
 * starter's {@code masterStringRedisTemplate} with {@code redis.client.coalesce} on and off.
 * Run from the repository root:
 * <pre>
 * ./mvnw -o -q -pl gd-node-pool-autoconfigure -am test-compile dependency:build-classpath \
 *   -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -cp gd-node-pool-autoconfigure/target/test-classes:gd-node-pool-autoconfigure/target/classes:$(cat \
 *   gd-node-pool-autoconfigure/target/test-classpath.txt) io.gdnode.pool.connect.CoalescingBenchmark \
 *   [rounds, 20] [seconds per cell, 0.5] [thread counts, 1,4,16,64]
 * </pre>
 */
public final class CoalescingBenchmark {

	private static int[] threadCounts = { 1, 4, 16, 64 };

	private static final int KEYS = 1000;

	private static final String VALUE = "0123456789abcdef";

	private CoalescingBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		double seconds = (args.length > 1) ? Double.parseDouble(args[1]) : 0.5;
		if (args.length > 2) {
			threadCounts = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
		}
		Path directory = Files.createTempDirectory("coalescing-benchmark");
		TestCertificates certificates = TestCertificates.create(directory);
		try (LocalRedisServer plain = LocalRedisServer.start();
				LocalRedisServer tls = LocalRedisServer.startTls(certificates.certificate("server"),
						certificates.key("server"), certificates.certificate("ca"))) {
			System.out.printf("%d rounds of %.1f s per cell, %d cores%n%n", rounds, seconds,
					Runtime.getRuntime().availableProcessors());
			Map<String, Supplier<ChannelHandler>> handlers = new LinkedHashMap<>();
			handlers.put("netty", () -> new FlushConsolidationHandler(256, true));
			handlers.put("own", FlushCoalescingHandler::new);
			List<Subject> plainSubjects = new ArrayList<>();
			plainSubjects.add(Subject.lettuce("off", plain.port(), null, null, false));
			handlers.forEach((name, handler) -> plainSubjects
				.add(Subject.lettuce(name, plain.port(), handler, null, false)));
			run("Plain connection, LettuceConnectionFactory", plainSubjects, plain, rounds, seconds);

			List<Subject> tlsSubjects = new ArrayList<>();
			Path ca = certificates.certificate("ca");
			tlsSubjects.add(Subject.lettuce("off", tls.tlsPort(), null, ca, false));
			handlers.forEach((name, handler) -> {
				tlsSubjects.add(Subject.lettuce(name + " above TLS", tls.tlsPort(), handler, ca, true));
				tlsSubjects.add(Subject.lettuce(name + " below TLS", tls.tlsPort(), handler, ca, false));
			});
			run("TLS connection, LettuceConnectionFactory", tlsSubjects, tls, rounds, seconds);

			List<Subject> starter = List.of(Subject.starter("off", plain.url(), false),
					Subject.starter("on", plain.url(), true));
			run("The starter's masterStringRedisTemplate, redis.client.coalesce", starter, plain, rounds, seconds);
		}
	}

	private static void run(String title, List<Subject> subjects, LocalRedisServer server, int rounds,
			double seconds) throws Exception {
		try {
			Map<String, List<Double>> throughput = new ConcurrentHashMap<>();
			Map<String, List<Double>> commandsPerRead = new ConcurrentHashMap<>();
			Map<String, List<long[]>> latency = new ConcurrentHashMap<>();
			Map<String, List<double[]>> cpu = new ConcurrentHashMap<>();
			for (Subject subject : subjects) {
				measure(subject.template(), 4, 1, null);
				measure(subject.template(), 64, 1, null);
			}
			// Thread counts one after the other, so that each variant's cells of a round are close
			// in time to the switched-off one's they are paired with.
			for (int threads : threadCounts) {
				for (int round = 0; round < rounds; round++) {
					for (int i = 0; i < subjects.size(); i++) {
						Subject subject = subjects.get((i + round) % subjects.size());
						long[] nanos = (threads == 1) ? new long[2_000_000] : null;
						RedisTraffic before = RedisTraffic.of(List.of(server));
						double redisCpuBefore = redisCpuSeconds(server);
						long clientCpuBefore = clientCpuNanos();
						double opsPerSecond = measure(subject.template(), threads, seconds, nanos);
						double clientCpu = (clientCpuNanos() - clientCpuBefore) / 1e3;
						double redisCpu = (redisCpuSeconds(server) - redisCpuBefore) * 1e6;
						RedisTraffic traffic = RedisTraffic.of(List.of(server)).minus(before);
						String cell = subject.name() + "@" + threads;
						throughput.computeIfAbsent(cell, (key) -> new ArrayList<>()).add(opsPerSecond);
						commandsPerRead.computeIfAbsent(cell, (key) -> new ArrayList<>()).add(traffic.commandsPerRead());
						cpu.computeIfAbsent(cell, (key) -> new ArrayList<>())
							.add(new double[] { clientCpu / traffic.commands(), redisCpu / traffic.commands() });
						if (nanos != null) {
							latency.computeIfAbsent(subject.name(), (key) -> new ArrayList<>()).add(percentiles(nanos));
						}
					}
				}
			}
			print(title, subjects, throughput, commandsPerRead, cpu, latency);
		}
		finally {
			for (Subject subject : subjects) {
				subject.close().run();
			}
		}
	}

	private static double measure(StringRedisTemplate template, int threads, double seconds, long[] nanos)
			throws InterruptedException {
		LongAdder operations = new LongAdder();
		CountDownLatch done = new CountDownLatch(threads);
		long end = System.nanoTime() + (long) (seconds * 1e9);
		long start = System.nanoTime();
		for (int t = 0; t < threads; t++) {
			Thread thread = new Thread(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				int count = 0;
				try {
					for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
						String key = "key:" + random.nextInt(KEYS);
						if (random.nextBoolean()) {
							template.opsForValue().set(key, VALUE);
						}
						else {
							template.opsForValue().get(key);
						}
						if (nanos != null && count < nanos.length) {
							nanos[count] = System.nanoTime() - now;
						}
						count++;
					}
				}
				finally {
					operations.add(count);
					if (nanos != null && count < nanos.length) {
						nanos[count] = -1;
					}
					done.countDown();
				}
			});
			thread.start();
		}
		done.await();
		return operations.sum() / ((System.nanoTime() - start) / 1e9);
	}

	/** CPU time of this process: the client's event loops and callers, and the other variants' idle threads. */
	static long clientCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/** CPU time of the Redis server, user and system, from {@code INFO cpu}. */
	static double redisCpuSeconds(LocalRedisServer server) {
		double seconds = 0;
		for (String line : server.command("INFO", "cpu").split("\r?\n")) {
			if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
				seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
			}
		}
		return seconds;
	}

	/** Return p50 and p99 in nanoseconds of the recorded calls (the array ends at -1). */
	private static long[] percentiles(long[] nanos) {
		int count = 0;
		while (count < nanos.length && nanos[count] >= 0) {
			count++;
		}
		long[] recorded = Arrays.copyOf(nanos, count);
		Arrays.sort(recorded);
		return new long[] { recorded[count / 2], recorded[(int) (count * 0.99)] };
	}

	private static void print(String title, List<Subject> subjects, Map<String, List<Double>> throughput,
			Map<String, List<Double>> commandsPerRead, Map<String, List<double[]>> cpu,
			Map<String, List<long[]>> latency) {
		String off = subjects.get(0).name();
		System.out.println("### " + title);
		System.out.println();
		System.out.println("| variant | threads | ops/s, median (range) | paired ratio to " + off
				+ ", median (range) | Redis commands per read | client CPU µs per command | Redis CPU µs per command |");
		System.out.println("|---|---|---|---|---|---|---|");
		for (int threads : threadCounts) {
			List<Double> baseline = throughput.get(off + "@" + threads);
			for (Subject subject : subjects) {
				List<Double> values = throughput.get(subject.name() + "@" + threads);
				List<Double> ratios = new ArrayList<>();
				for (int i = 0; i < values.size(); i++) {
					ratios.add(values.get(i) / baseline.get(i));
				}
				String cell = subject.name() + "@" + threads;
				System.out.printf(Locale.ROOT,
						"| %s | %d | %,.0f (%,.0f–%,.0f) | %.2f× (%.2f–%.2f) | %.1f | %.1f | %.2f |%n", subject.name(),
						threads, median(values), min(values), max(values), median(ratios), min(ratios), max(ratios),
						median(commandsPerRead.get(cell)), median(cpu.get(cell).stream().map((c) -> c[0]).toList()),
						median(cpu.get(cell).stream().map((c) -> c[1]).toList()));
			}
		}
		System.out.println();
		if (!latency.containsKey(off)) {
			return;
		}
		System.out.println("| variant | 1 thread p50 µs, median (range) | paired p50 ratio to " + off
				+ " | p99 µs, median (range) | paired p99 ratio to " + off + " |");
		System.out.println("|---|---|---|---|---|");
		for (Subject subject : subjects) {
			List<Double> p50 = latency.get(subject.name()).stream().map((p) -> p[0] / 1e3).toList();
			List<Double> p99 = latency.get(subject.name()).stream().map((p) -> p[1] / 1e3).toList();
			List<Double> p50Ratios = new ArrayList<>();
			List<Double> p99Ratios = new ArrayList<>();
			for (int i = 0; i < p50.size(); i++) {
				p50Ratios.add(latency.get(subject.name()).get(i)[0] / (double) latency.get(off).get(i)[0]);
				p99Ratios.add(latency.get(subject.name()).get(i)[1] / (double) latency.get(off).get(i)[1]);
			}
			System.out.printf(Locale.ROOT, "| %s | %.1f (%.1f–%.1f) | %.2f× (%.2f–%.2f) | %.1f (%.1f–%.1f) | %.2f× (%.2f–%.2f) |%n",
					subject.name(), median(p50), min(p50), max(p50), median(p50Ratios), min(p50Ratios),
					max(p50Ratios), median(p99), min(p99), max(p99), median(p99Ratios), min(p99Ratios),
					max(p99Ratios));
		}
		System.out.println();
	}

	static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	static double min(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
	}

	static double max(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
	}

	/**
	 * One way of talking to Redis, with what closes it.
	 */
	private record Subject(String name, StringRedisTemplate template, Runnable close) {

		/** A plain Spring Data Redis factory on one shared connection, with the handler given. */
		static Subject lettuce(String name, int port, Supplier<ChannelHandler> handler, Path ca, boolean aboveTls) {
			DefaultClientResources.Builder builder = DefaultClientResources.builder();
			if (handler != null) {
				builder.nettyCustomizer(new NettyCustomizer() {

					@Override
					public void afterChannelInitialized(Channel channel) {
						ChannelPipeline pipeline = channel.pipeline();
						SslHandler tls = pipeline.get(SslHandler.class);
						if (tls != null && aboveTls) {
							pipeline.addAfter(pipeline.context(tls).name(), "coalescing", handler.get());
						}
						else {
							pipeline.addFirst("coalescing", handler.get());
						}
					}

				});
			}
			ClientResources resources = builder.build();
			LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
				.clientResources(resources);
			if (ca != null) {
				client.useSsl();
				client.clientOptions(ClientOptions.builder()
					.sslOptions(SslOptions.builder().trustManager(ca.toFile()).build())
					.build());
			}
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", port), client.build());
			factory.afterPropertiesSet();
			factory.start();
			return new Subject(name, new StringRedisTemplate(factory), () -> {
				factory.destroy();
				resources.shutdown(0, 2, TimeUnit.SECONDS);
			});
		}

		/** The starter's master template, its application context kept open until closed. */
		static Subject starter(String name, String url, boolean coalesce) throws InterruptedException {
			CountDownLatch opened = new CountDownLatch(1);
			CountDownLatch closing = new CountDownLatch(1);
			StringRedisTemplate[] template = new StringRedisTemplate[1];
			Thread holder = new Thread(() -> new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class))
				.withPropertyValues("redis.url=" + url, "redis.client.coalesce=" + (coalesce ? "1" : "0"),
						"redis.client.name=coalescing-benchmark")
				.run((context) -> {
					try {
						template[0] = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
					}
					finally {
						opened.countDown();
					}
					closing.await();
				}));
			holder.start();
			opened.await();
			if (template[0] == null) {
				throw new IllegalStateException("The starter's context did not start");
			}
			return new Subject(name, template[0], () -> {
				closing.countDown();
				try {
					holder.join();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
		}

	}

}
