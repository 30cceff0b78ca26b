package io.gdnode.pool.benchmarks;

import java.io.BufferedReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * A measured JVM of the throughput benchmark: one client, warmed up on every workload it
 * supports, then measuring one point at a time when the runner says {@code RUN <workload>
 * <threads>}, so that the runner can interleave the clients point by point.
 * The result line carries operations per second, p50 and p99 latency in microseconds, errors,
 * this JVM's CPU time per operation in microseconds, and the operations of the whole point, its
 * warm-up included.
 * <p>
 * Arguments: client kind, Redis URL, warm-up and measured time per point (ISO-8601 durations).
 */
public final class ThroughputApplication {

	/** Caller threads, or operations in flight, of the warm-up. */
	private static final int WARMUP_CONCURRENCY = 4;

	/** Operations in flight, and turns, of the second warm-up of a workload driven by one thread. */
	private static final int INFLIGHT_WARMUP_CONCURRENCY = 64;

	private static final int INFLIGHT_WARMUP_TURNS = 10;

	/** Warm-up passes at one caller at most, and the compile time below which a pass counts as quiet. */
	static final int MOST_SETTLING_PASSES = 8;

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
			settle(client, kind, warmup, measure);
			ChildJvm.say("READY");
			BufferedReader commands = ChildJvm.commands();
			for (String command; (command = commands.readLine()) != null && command.startsWith("RUN ");) {
				String[] point = command.split(" ");
				Workload workload = Workload.valueOf(point[1]);
				LoadDriver.Result result = run(client, workload, Integer.parseInt(point[2]), warmup, measure);
				if (result.firstError() != null) {
					System.err.println(command + ": first error " + result.firstError());
				}
				ChildJvm.say("RESULT " + result.opsPerSecond() + " " + result.p50Micros() + " " + result.p99Micros() + " "
						+ result.errors() + " " + result.cpuMicrosPerOp() + " " + result.allOperations());
			}
		}
	}

	/**
	 * Run every workload at one caller, a measured turn at a time, until the JIT compiler is quiet
	 * over a whole pass: the warm-up at a few callers left it compiling for seconds more, and on two
	 * cores it competes with the client for a CPU. In earlier runs the one-caller points of the
	 * first four rounds paid for it, with up to ten times the steady CPU per operation. Each client
	 * reaches its own quiet point; the compile time of every pass is in the client's log.
	 */
	private static void settle(ThroughputClient client, ClientKind kind, Duration warmup, Duration measure)
			throws InterruptedException {
		CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
		if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
			return;
		}
		for (int pass = 1; pass <= MOST_SETTLING_PASSES; pass++) {
			long compiledBefore = compiler.getTotalCompilationTime();
			for (Workload workload : kind.workloads()) {
				run(client, workload, 1, Duration.ZERO, measure);
				Thread.sleep(warmup.toMillis());
			}
			long compiled = compiler.getTotalCompilationTime() - compiledBefore;
			System.err.println("settling pass " + pass + ": " + compiled + " ms compiling");
			if (compiled < QUIET_COMPILATION.toMillis()) {
				return;
			}
		}
	}

	private static LoadDriver.Result run(ThroughputClient client, Workload workload, int concurrency, Duration warmup,
			Duration measure) throws InterruptedException {
		if (workload.inFlight()) {
			return workload.run(client, concurrency, warmup, measure);
		}
		return LoadDriver.run(concurrency, warmup, measure, (thread, sequence) -> workload.run(client, thread, sequence));
	}

}
