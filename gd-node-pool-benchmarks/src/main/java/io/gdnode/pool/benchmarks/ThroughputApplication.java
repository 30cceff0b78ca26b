package io.gdnode.pool.benchmarks;

import java.io.BufferedReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * A measured JVM of the throughput benchmark: one client, warmed up on every workload it
 * supports, then measuring one point at a time when the runner says {@code RUN <workload>
 * <threads>}, so that the runner can interleave the clients point by point, after settling at
 * that point when it says {@code SETTLE <workload> <threads>}.
 * The result line carries operations per second, p50 and p99 latency in microseconds, errors,
 * this JVM's CPU time per operation in microseconds, the operations of the whole point, its
 * warm-up included, the milliseconds the JIT compiler spent in it, and the share of the measured
 * time the busiest event-loop thread was on a CPU.
 * <p>
 * Arguments: client kind, Redis URL, warm-up and measured time per point (ISO-8601 durations).
 */
public final class ThroughputApplication {

	/** Caller threads, or operations in flight, of the warm-up. */
	private static final int WARMUP_CONCURRENCY = 4;

	/** Operations in flight, and turns, of the second warm-up of a workload driven by one thread. */
	private static final int INFLIGHT_WARMUP_CONCURRENCY = 64;

	private static final int INFLIGHT_WARMUP_TURNS = 10;

	/** Settling turns at a point at most, and the compile time below which a turn counts as quiet. */
	static final int MOST_SETTLING_TURNS = 5;

	static final Duration QUIET_COMPILATION = Duration.ofMillis(50);

	private ThroughputApplication() {
	}

	public static void main(String[] args) throws Exception {
		ChildJvm.limitLifetime();
		ClientKind kind = ClientKind.valueOf(args[0]);
		Duration warmup = Duration.parse(args[2]);
		Duration measure = Duration.parse(args[3]);
		try (ThroughputClient client = kind.open(args[1])) {
			// The first points would otherwise pay for class loading and the first JIT compilations.
			for (Workload workload : kind.workloads()) {
				run(client, workload, WARMUP_CONCURRENCY, Duration.ZERO, warmup.multipliedBy(8));
				if (workload.inFlight()) {
					// One thread drives every operation in flight: the path it runs at that load reached
					// full speed only after some ten turns with pauses between them (the compiler
					// catching up on two cores), so that many turns go first.
					for (int turn = 0; turn < INFLIGHT_WARMUP_TURNS; turn++) {
						run(client, workload, INFLIGHT_WARMUP_CONCURRENCY, Duration.ZERO, measure);
						Thread.sleep(warmup.toMillis());
					}
				}
			}
			ChildJvm.say("READY");
			BufferedReader commands = ChildJvm.commands();
			for (String command; (command = commands.readLine()) != null
					&& (command.startsWith("RUN ") || command.startsWith("SETTLE "));) {
				String[] point = command.split(" ");
				Workload workload = Workload.valueOf(point[1]);
				int concurrency = Integer.parseInt(point[2]);
				if (command.startsWith("SETTLE ")) {
					ChildJvm.say("SETTLED " + settle(client, workload, concurrency, warmup, measure));
					continue;
				}
				long compiledBefore = compiledMillis(ManagementFactory.getCompilationMXBean());
				LoadDriver.Result result = run(client, workload, concurrency, warmup, measure);
				if (result.firstError() != null) {
					System.err.println(command + ": first error " + result.firstError());
				}
				ChildJvm.say("RESULT " + result.opsPerSecond() + " " + result.p50Micros() + " " + result.p99Micros() + " "
						+ result.errors() + " " + result.cpuMicrosPerOp() + " " + result.allOperations() + " "
						+ (compiledMillis(ManagementFactory.getCompilationMXBean()) - compiledBefore) + " "
						+ result.busiestEventLoopShare());
			}
		}
	}

	/**
	 * Run turns of one point, unmeasured, until the JIT compiler is quiet over a whole turn, and
	 * return how many it took and the compile time of the first. On two cores the compiler competes
	 * with the client for a CPU, so the runner settles every client at a point before its measured
	 * turns there.
	 */
	private static String settle(ThroughputClient client, Workload workload, int concurrency, Duration warmup,
			Duration measure) throws InterruptedException {
		CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
		int turns = 0;
		long compiled;
		long first = -1;
		do {
			long compiledBefore = compiledMillis(compiler);
			run(client, workload, concurrency, warmup, measure);
			compiled = compiledMillis(compiler) - compiledBefore;
			turns++;
			first = (first < 0) ? compiled : first;
			System.err.println("settling " + workload + " " + concurrency + ", turn " + turns + ": " + compiled + " ms compiling");
		}
		while (compiled >= QUIET_COMPILATION.toMillis() && turns < MOST_SETTLING_TURNS);
		return turns + " " + first;
	}

	/**
	 * Return the JIT compiler's time so far, 0 where the JVM does not measure it.
	 */
	private static long compiledMillis(CompilationMXBean compiler) {
		return (compiler != null && compiler.isCompilationTimeMonitoringSupported()) ? compiler.getTotalCompilationTime() : 0;
	}

	private static LoadDriver.Result run(ThroughputClient client, Workload workload, int concurrency, Duration warmup,
			Duration measure) throws InterruptedException {
		if (workload.inFlight()) {
			return workload.run(client, concurrency, warmup, measure);
		}
		return LoadDriver.run(concurrency, warmup, measure, (thread, sequence) -> workload.run(client, thread, sequence));
	}

}
