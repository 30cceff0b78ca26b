package io.gdnode.pool.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * What to run and for how long, from the command line.
 *
 * @param quick whether this is a smoke run: one repetition, short windows, not for publishing
 * @param repetitions how often every measurement is repeated
 * @param sections which of {@code footprint}, {@code throughput} and {@code jmh} to run
 * @param output where the report goes
 * @param componentCounts the numbers of application components of the footprint benchmark
 * @param threadCounts the caller-thread counts of the throughput benchmark's blocking workloads
 * @param reactiveInFlight the operations in flight of the reactive workload
 * @param asyncInFlight the operations in flight of the async workload
 * @param footprintOperations operations of the footprint benchmark's load: the same work in every mode
 * @param rounds how often per repetition the throughput clients take turns at each point
 * @param getSetRounds the same for the workloads whose ratios carry targets (plain, reactive and
 * async GET/SET), which so get more samples
 * @param warmup warm-up of a client's turn
 * @param measure measured time of a client's turn
 * @param redisBenchmarkRequests requests per redis-benchmark test without pipelining
 * @param jmhIterations warm-up and measured JMH iterations (each as many)
 * @param jmhIterationTime how long each JMH iteration lasts
 * @param arguments the command line's arguments, for the report
 */
record Options(boolean quick, int repetitions, Set<String> sections, Path output, List<Integer> componentCounts,
		List<Integer> threadCounts, List<Integer> reactiveInFlight, List<Integer> asyncInFlight, long footprintOperations, int rounds, int getSetRounds, Duration warmup,
		Duration measure,
		int redisBenchmarkRequests, int jmhIterations, Duration jmhIterationTime, List<String> arguments) {

	static final String USAGE = """
			Usage: run.sh [--quick] [--repetitions N] [--only footprint,throughput,jmh] [--output FILE]
			  --quick          one repetition and short windows: a smoke run, written to
			                   gd-node-pool-benchmarks/target/benchmarks.md unless --output is given
			  --repetitions N  repetitions of every measurement (default 3)
			  --only SECTIONS  run only these sections (the report then has only them)
			  --output FILE    where the report goes (default docs/benchmarks.md)""";

	static Options parse(String[] arguments) {
		boolean quick = false;
		Integer repetitions = null;
		Set<String> sections = Set.of("footprint", "throughput", "jmh");
		Path output = null;
		for (int i = 0; i < arguments.length; i++) {
			switch (arguments[i]) {
				case "--quick" -> quick = true;
				case "--repetitions" -> repetitions = Integer.valueOf(value(arguments, ++i));
				case "--only" -> sections = Set.of(value(arguments, ++i).split(","));
				case "--output" -> output = Path.of(value(arguments, ++i));
				default -> throw new IllegalArgumentException("Unknown option '" + arguments[i] + "'\n" + USAGE);
			}
		}
		if (output == null) {
			output = Path.of(quick ? "gd-node-pool-benchmarks/target/benchmarks.md" : "docs/benchmarks.md");
		}
		List<Integer> threads = List.of(1, 4, 16, 64);
		List<Integer> reactive = List.of(1, 16, 64, 256);
		List<Integer> async = List.of(64);
		if (quick) {
			// Three short rounds: enough for a paired median, in a few minutes for the throughput section.
			return new Options(true, (repetitions != null) ? repetitions : 1, sections, output, List.of(1, 10, 50),
					threads, reactive, async, 10_000, 3, 3, Duration.ofMillis(200), Duration.ofMillis(400), 10_000, 2,
					Duration.ofMillis(500), List.of(arguments));
		}
		return new Options(false, (repetitions != null) ? repetitions : 3, sections, output, List.of(1, 10, 50),
				threads, reactive, async, 40_000, 3, 8, Duration.ofMillis(200), Duration.ofMillis(600), 50_000, 3,
				Duration.ofSeconds(1), List.of(arguments));
	}

	private static String value(String[] arguments, int index) {
		if (index >= arguments.length) {
			throw new IllegalArgumentException("'" + arguments[index - 1] + "' needs a value\n" + USAGE);
		}
		return arguments[index];
	}

	/**
	 * Return how often per repetition the clients take turns at a point of the given workload.
	 */
	int rounds(Workload workload) {
		return carriesTargets(workload) ? this.getSetRounds : this.rounds;
	}

	static boolean carriesTargets(Workload workload) {
		return workload != Workload.MULTI_EXEC && workload != Workload.BLPOP;
	}

	/**
	 * Return the points of a workload: caller threads, or operations in flight.
	 */
	List<Integer> points(Workload workload) {
		return switch (workload) {
			case REACTIVE_GET_SET -> this.reactiveInFlight;
			case ASYNC_GET_SET -> this.asyncInFlight;
			default -> this.threadCounts;
		};
	}

	boolean runs(String section) {
		return this.sections.contains(section);
	}

	/**
	 * Return the items starting at a position that moves with every repetition, so that no mode
	 * always runs first (on a cold machine) or last.
	 */
	static <T> List<T> rotated(List<T> items, int shift) {
		List<T> rotated = new ArrayList<>(items);
		Collections.rotate(rotated, -(shift % items.size()));
		return rotated;
	}

}
