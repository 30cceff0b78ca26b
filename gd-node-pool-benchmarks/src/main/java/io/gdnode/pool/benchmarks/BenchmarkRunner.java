package io.gdnode.pool.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import io.gdnode.pool.localredis.LocalRedisServer;

/**
 * Runs every benchmark in one go against a Redis it starts on a free loopback port, and writes
 * the report. Run it with {@code gd-node-pool-benchmarks/run.sh} from the repository root.
 */
public final class BenchmarkRunner {

	private BenchmarkRunner() {
	}

	public static void main(String[] arguments) throws Exception {
		Options options;
		try {
			options = Options.parse(arguments);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		Path work = Path.of("gd-node-pool-benchmarks", "target", "benchmarks").toAbsolutePath();
		// Child JVMs create it on their own; JMH, run alone with --only jmh, does not.
		Path logs = Files.createDirectories(work.resolve("logs"));
		Measurements measurements = new Measurements();
		long started = System.nanoTime();
		Map<String, String> machine;
		try (LocalRedisServer redis = LocalRedisServer.start()) {
			progress("Redis on " + redis.url() + "; logs in " + logs);
			machine = MachineFacts.collect(redis);
			if (options.runs("footprint")) {
				new FootprintBenchmark(options, redis, measurements, logs).run();
			}
			if (options.runs("throughput")) {
				new ThroughputBenchmark(options, redis, measurements, logs).run();
			}
		}
		if (options.runs("jmh")) {
			new JmhBenchmark(options, measurements, logs).run();
		}
		machine.put("load average at end", MachineFacts.loadAverage());
		Duration took = Duration.ofNanos(System.nanoTime() - started).truncatedTo(ChronoUnit.SECONDS);
		machine.put("run time", took.toMinutes() + " min " + took.toSecondsPart() + " s");
		Path csv = work.resolve("results.csv");
		measurements.writeCsv(csv);
		new Report(options, machine, measurements).write(options.output());
		progress("Wrote " + options.output().toAbsolutePath() + " and " + csv + " in " + machine.get("run time"));
	}

	static void progress(String message) {
		System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
	}

}
