package io.gdnode.pool.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.gdnode.pool.localredis.LocalRedisServer;

/**
 * Section 3: throughput, latency and cost of every {@link ClientKind}, each in a fresh JVM with a
 * fresh Redis of its own per repetition (so that the server's counters are the client's alone),
 * the clients taking turns point by point, and {@code redis-benchmark} at the same concurrency
 * between them as the ceiling.
 */
final class ThroughputBenchmark {

	static final List<String> JVM_ARGUMENTS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseG1GC");

	/** Commands per request batch of the pipelined ceiling. */
	static final int PIPELINE = 16;

	private final Options options;

	private final LocalRedisServer redis;

	private final Measurements measurements;

	private final Path logs;

	ThroughputBenchmark(Options options, LocalRedisServer redis, Measurements measurements, Path logs) {
		this.options = options;
		this.redis = redis;
		this.measurements = measurements;
		this.logs = logs;
	}

	void run() throws InterruptedException {
		for (int repetition = 1; repetition <= this.options.repetitions(); repetition++) {
			Map<ClientKind, ChildJvm> clients = new EnumMap<>(ClientKind.class);
			Map<ClientKind, LocalRedisServer> servers = new EnumMap<>(ClientKind.class);
			try {
				for (ClientKind kind : Options.rotated(List.of(ClientKind.values()), repetition)) {
					servers.put(kind, LocalRedisServer.start());
					start(kind, servers.get(kind), repetition).ifPresent((child) -> clients.put(kind, child));
				}
				int point = 0;
				for (Workload workload : Workload.values()) {
					for (int threads : this.options.points(workload)) {
						BenchmarkRunner.progress("throughput " + workload.label() + " " + workload.point(threads)
								+ " repetition " + repetition);
						List<ClientKind> kinds = List.of(ClientKind.values())
							.stream()
							.filter((kind) -> kind.workloads().contains(workload))
							.toList();
						for (ClientKind kind : kinds) {
							settle(clients, kind, workload, threads, repetition);
						}
						// Clients take turns in short rounds, so that a ratio compares runs seconds apart.
						int rounds = this.options.rounds(workload);
						for (int round = 0; round < rounds; round++) {
							int sample = (repetition - 1) * rounds + round + 1;
							for (ClientKind kind : Options.rotated(kinds, sample + point++)) {
								measure(clients, servers.get(kind), kind, workload, threads, sample);
							}
						}
						if (workload == Workload.GET_SET) {
							ceiling(threads, 1, repetition);
							ceiling(threads, PIPELINE, repetition);
						}
					}
				}
			}
			finally {
				for (ChildJvm child : clients.values()) {
					child.close();
				}
				servers.values().forEach(LocalRedisServer::close);
			}
		}
	}

	/**
	 * Start a client's JVM and wait until it has warmed up; empty if it failed to.
	 */
	private Optional<ChildJvm> start(ClientKind kind, LocalRedisServer server, int repetition)
			throws InterruptedException {
		Path log = this.logs.resolve("throughput-" + kind + "-" + repetition + ".log");
		ChildJvm child = ChildJvm.start(log, JVM_ARGUMENTS, ThroughputApplication.class, List.of(kind.name(),
				server.url(), this.options.warmup().toString(), this.options.measure().toString()),
				kind.environment());
		try {
			child.await("READY", Duration.ofMinutes(3));
			return Optional.of(child);
		}
		catch (RuntimeException ex) {
			BenchmarkRunner.progress("  " + kind + " failed to start: " + ex.getMessage() + " (" + log + ")");
			child.close();
			return Optional.empty();
		}
	}

	/**
	 * Let a client run unmeasured turns at a point until its JIT compiler is quiet, and record how
	 * many it took and how long the first compiled.
	 */
	private void settle(Map<ClientKind, ChildJvm> clients, ClientKind kind, Workload workload, int threads,
			int repetition) throws InterruptedException {
		ChildJvm child = clients.get(kind);
		if (child == null) {
			return;
		}
		try {
			child.send("SETTLE " + workload.name() + " " + threads);
			String[] settled = child.await("SETTLED", this.options.warmup()
				.plus(this.options.measure())
				.multipliedBy(ThroughputApplication.MOST_SETTLING_TURNS)
				.plusMinutes(1)).split(" ");
			Object[] at = { "throughput", kind, workload, threads };
			put(repetition, settled[0], at, "settlingTurns");
			put(repetition, settled[1], at, "firstSettlingCompileMillis");
		}
		catch (RuntimeException ex) {
			BenchmarkRunner.progress("  " + kind + " failed: " + ex.getMessage());
			clients.remove(kind).close();
		}
	}

	/**
	 * Let a client run one turn, and record what it measured (rate, latency, errors, its CPU per
	 * operation) and what its Redis saw: the connections it held halfway through the measured time,
	 * and the server's CPU per command and per operation, commands per operation and commands per
	 * read over the turn (the warm-up included: all are averages, which the warm-up does not change).
	 */
	private void measure(Map<ClientKind, ChildJvm> clients, LocalRedisServer server, ClientKind kind,
			Workload workload, int threads, int sample) throws InterruptedException {
		ChildJvm child = clients.get(kind);
		if (child == null) {
			return;
		}
		try {
			RedisCounters before = RedisCounters.read(server);
			child.send("RUN " + workload.name() + " " + threads);
			Thread.sleep(this.options.warmup().plus(this.options.measure().dividedBy(2)).toMillis());
			int connections = server.clientList().size();
			String[] result = child.await("RESULT", this.options.warmup().plus(this.options.measure()).plusMinutes(1))
				.split(" ");
			RedisCounters after = RedisCounters.read(server);
			Object[] at = { "throughput", kind, workload, threads };
			put(sample, result[0], at, "opsPerSecond");
			put(sample, result[1], at, "p50Micros");
			put(sample, result[2], at, "p99Micros");
			put(sample, result[3], at, "errors");
			putIfMeasured(sample, Double.parseDouble(result[4]), at, "clientCpuMicrosPerOp");
			put(sample, result[6], at, "compileMillis");
			putIfMeasured(sample, Double.parseDouble(result[7]) * 100, at, "eventLoopBusyPercent");
			putIfMeasured(sample, connections, at, "connections");
			putIfMeasured(sample, after.cpuMicrosPerCommandSince(before), at, "redisCpuMicrosPerCommand");
			putIfMeasured(sample, after.commandsPerReadSince(before), at, "commandsPerRead");
			long operations = Long.parseLong(result[5]);
			putIfMeasured(sample, after.cpuMicrosPerOperationSince(before, operations), at, "redisCpuMicrosPerOp");
			putIfMeasured(sample, after.commandsPerOperationSince(before, operations), at, "commandsPerOp");
		}
		catch (RuntimeException ex) {
			BenchmarkRunner.progress("  " + kind + " failed: " + ex.getMessage());
			clients.remove(kind).close();
		}
	}

	private void put(int sample, String value, Object[] at, String metric) {
		this.measurements.put(sample, Double.parseDouble(value), Measurements.under(at, metric));
	}

	/**
	 * Record a value unless it says that it could not be measured (negative, or not a number).
	 */
	private void putIfMeasured(int sample, double value, Object[] at, String metric) {
		if (value >= 0) {
			this.measurements.put(sample, value, Measurements.under(at, metric));
		}
	}

	/**
	 * Run {@code redis-benchmark} for SET and GET and record them as one alternating GET/SET load:
	 * the harmonic mean of their rates, and the mean of their percentiles.
	 */
	private void ceiling(int clients, int pipeline, int repetition) throws InterruptedException {
		int requests = this.options.redisBenchmarkRequests() * ((pipeline > 1) ? 4 : 1);
		List<String> command = List.of("redis-benchmark", "-h", this.redis.host(), "-p",
				String.valueOf(this.redis.port()), "-c", String.valueOf(clients), "-n", String.valueOf(requests), "-t",
				"set,get", "-d", String.valueOf(Workload.VALUE.length()), "-P", String.valueOf(pipeline), "--csv");
		Map<String, double[]> tests = new HashMap<>();
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly();
			}
			for (String line : output.split("\r?\n")) {
				String[] fields = line.replace("\"", "").split(",");
				if (fields.length >= 7 && (fields[0].equals("SET") || fields[0].equals("GET"))) {
					// test, rps, avg, min, p50, p95, p99, max (milliseconds)
					tests.put(fields[0], new double[] { Double.parseDouble(fields[1]), Double.parseDouble(fields[4]) * 1000,
							Double.parseDouble(fields[6]) * 1000 });
				}
			}
		}
		catch (IOException ex) {
			BenchmarkRunner.progress("  redis-benchmark could not run: " + ex.getMessage());
			return;
		}
		double[] set = tests.get("SET");
		double[] get = tests.get("GET");
		if (set == null || get == null) {
			BenchmarkRunner.progress("  redis-benchmark printed no SET/GET result for -c " + clients + " -P " + pipeline);
			return;
		}
		Object[] at = { "ceiling", pipeline, Workload.GET_SET, clients };
		this.measurements.put(repetition, 2 / (1 / set[0] + 1 / get[0]), Measurements.under(at, "opsPerSecond"));
		this.measurements.put(repetition, (set[1] + get[1]) / 2, Measurements.under(at, "p50Micros"));
		this.measurements.put(repetition, (set[2] + get[2]) / 2, Measurements.under(at, "p99Micros"));
	}

}
