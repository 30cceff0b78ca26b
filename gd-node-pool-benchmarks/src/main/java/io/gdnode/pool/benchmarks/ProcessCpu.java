package io.gdnode.pool.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;

/**
 * The CPU time this JVM spends in a window of a run: every thread's, the caller threads', the
 * Redis client's event loops', the collector's and the compiler's alike, so that a client that
 * moves work off the caller threads is charged for it.
 */
final class ProcessCpu {

	private static final OperatingSystemMXBean SYSTEM = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final Thread sampler;

	private final long to;

	private volatile long nanos = -1;

	/**
	 * Start sampling the process's CPU time at {@code from} and at {@code to} (both
	 * {@link System#nanoTime()}), on a thread of its own that sleeps in between.
	 */
	ProcessCpu(long from, long to) {
		this.to = to;
		this.sampler = new Thread(() -> {
			try {
				sleepUntil(from);
			}
			catch (InterruptedException ex) {
				// The run ended before its window began.
				return;
			}
			long start = SYSTEM.getProcessCpuTime();
			try {
				sleepUntil(to);
			}
			catch (InterruptedException ex) {
				// The run ended early: its window ends now.
			}
			this.nanos = SYSTEM.getProcessCpuTime() - start;
		}, "benchmark-cpu-sampler");
		this.sampler.setDaemon(true);
		this.sampler.start();
	}

	/**
	 * Return the CPU time of the window, which ends now if the run ended before it; -1 if the run
	 * ended before the window began.
	 */
	long nanos() throws InterruptedException {
		if (System.nanoTime() < this.to) {
			this.sampler.interrupt();
		}
		this.sampler.join();
		return this.nanos;
	}

	private static void sleepUntil(long nanoTime) throws InterruptedException {
		long left = nanoTime - System.nanoTime();
		if (left > 0) {
			TimeUnit.NANOSECONDS.sleep(left);
		}
	}

}
