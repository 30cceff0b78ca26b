package io.gdnode.pool.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Runs one operation on a number of caller threads for a bounded time, or until told it is done,
 * and measures throughput and latency. Operations started during the warm-up are not counted.
 */
final class LoadDriver {

	/** Extra time a caller may take to finish its last operation (a BLPOP waits up to a second). */
	private static final Duration FINISH_GRACE = Duration.ofSeconds(30);

	private LoadDriver() {
	}

	/**
	 * One operation of a caller thread.
	 */
	@FunctionalInterface
	interface Operation {

		void run(int thread, long sequence) throws Exception;

	}

	/**
	 * What one run measured.
	 *
	 * @param operations operations started in the measured window
	 * @param errors operations that failed in the measured window
	 * @param seconds the length of the measured window
	 * @param p50Micros median latency
	 * @param p99Micros 99th percentile latency
	 * @param firstError the message of the first failure, or {@code null}
	 * @param cpuNanos the CPU time of the whole JVM in the measured window, -1 if not measured
	 * @param allOperations operations of the whole run, its warm-up and its failures included: what
	 * the server was sent
	 * @param busiestEventLoopShare the share of the measured window, 0 to 1, the busiest event-loop
	 * thread spent on a CPU, -1 if not measured
	 */
	record Result(long operations, long errors, double seconds, double p50Micros, double p99Micros,
			String firstError, long cpuNanos, long allOperations, double busiestEventLoopShare) {

		double opsPerSecond() {
			return this.operations / this.seconds;
		}

		/**
		 * Return the JVM's CPU time per operation in the measured window, in microseconds.
		 */
		double cpuMicrosPerOp() {
			return (this.cpuNanos < 0 || this.operations == 0) ? -1 : this.cpuNanos / 1000.0 / this.operations;
		}

	}

	static Result run(int threads, Duration warmup, Duration measure, Operation operation) throws InterruptedException {
		return run(threads, warmup, measure, () -> false, operation);
	}

	/**
	 * Run until the measured time is over or {@code done} says so, whichever comes first; the
	 * result's rate is over the time the run really took.
	 */
	static Result run(int threads, Duration warmup, Duration measure, BooleanSupplier done, Operation operation)
			throws InterruptedException {
		CountDownLatch ready = new CountDownLatch(threads);
		CountDownLatch go = new CountDownLatch(1);
		long[] window = new long[2];
		AtomicLong errors = new AtomicLong();
		LongAdder attempted = new LongAdder();
		AtomicReference<String> firstError = new AtomicReference<>();
		List<LatencyHistogram> histograms = new ArrayList<>();
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			int thread = i;
			LatencyHistogram histogram = new LatencyHistogram();
			histograms.add(histogram);
			Thread caller = new Thread(() -> {
				ready.countDown();
				try {
					go.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				long measureFrom = window[0];
				long end = window[1];
				for (long sequence = 0;; sequence++) {
					long start = System.nanoTime();
					if (start >= end || done.getAsBoolean()) {
						attempted.add(sequence);
						return;
					}
					try {
						operation.run(thread, sequence);
					}
					catch (Exception ex) {
						if (start >= measureFrom) {
							errors.incrementAndGet();
							firstError.compareAndSet(null, ex.toString());
						}
						continue;
					}
					if (start >= measureFrom) {
						histogram.record(System.nanoTime() - start);
					}
				}
			}, "load-" + i);
			caller.setDaemon(true);
			callers.add(caller);
			caller.start();
		}
		ready.await();
		window[0] = System.nanoTime() + warmup.toNanos();
		window[1] = window[0] + measure.toNanos();
		ProcessCpu cpu = new ProcessCpu(window[0], window[1]);
		// The latch publishes the window to the callers.
		go.countDown();
		long deadline = System.nanoTime() + warmup.plus(measure).plus(FINISH_GRACE).toNanos();
		for (Thread caller : callers) {
			caller.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			if (caller.isAlive()) {
				throw new IllegalStateException("A caller thread did not finish within " + FINISH_GRACE
						+ " of the end of the run");
			}
		}
		long measured = Math.min(System.nanoTime(), window[1]) - window[0];
		LatencyHistogram all = new LatencyHistogram();
		histograms.forEach(all::add);
		return new Result(all.total(), errors.get(), measured / 1e9, all.percentile(0.50) / 1000,
				all.percentile(0.99) / 1000, firstError.get(), cpu.nanos(), attempted.sum(),
				cpu.busiestEventLoopShare());
	}

}
