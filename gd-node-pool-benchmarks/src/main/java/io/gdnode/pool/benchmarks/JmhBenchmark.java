package io.gdnode.pool.benchmarks;

import java.nio.file.Path;
import java.util.regex.Pattern;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Section 4 from the runner's side: {@link RegistryPathBenchmark} once per repetition, one fork
 * (a fresh JVM) per benchmark, so that the benchmarks interleave over the repetitions.
 */
final class JmhBenchmark {

	private final Options options;

	private final Measurements measurements;

	private final Path logs;

	JmhBenchmark(Options options, Measurements measurements, Path logs) {
		this.options = options;
		this.measurements = measurements;
		this.logs = logs;
	}

	void run() throws RunnerException {
		TimeValue iterationTime = TimeValue.milliseconds(this.options.jmhIterationTime().toMillis());
		for (int repetition = 1; repetition <= this.options.repetitions(); repetition++) {
			BenchmarkRunner.progress("jmh repetition " + repetition);
			org.openjdk.jmh.runner.options.Options jmh = new OptionsBuilder()
				.include(Pattern.quote(RegistryPathBenchmark.class.getName()) + "\\.")
				.forks(1)
				.warmupIterations(this.options.jmhIterations())
				.warmupTime(iterationTime)
				.measurementIterations(this.options.jmhIterations())
				.measurementTime(iterationTime)
				.jvmArgs(ThroughputBenchmark.JVM_ARGUMENTS.toArray(String[]::new))
				.shouldFailOnError(true)
				.output(this.logs.resolve("jmh-" + repetition + ".log").toString())
				.build();
			for (RunResult result : new Runner(jmh).run()) {
				String benchmark = result.getParams().getBenchmark();
				this.measurements.put(repetition, result.getPrimaryResult().getScore(), "jmh",
						benchmark.substring(benchmark.lastIndexOf('.') + 1), "nsPerOp");
			}
		}
	}

}
