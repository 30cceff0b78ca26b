package io.gdnode.pool.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;

/**
 * The CPU time this JVM spends in a window of a run: every thread's, the caller threads', the
 * Redis client's event loops', the collector's and the compiler's alike, so that a client that
 * moves work off the caller threads is charged for it. It also measures how busy the busiest of the
 * Redis client's event-loop threads was: one near 100% bounds its connection's throughput.
 */
final class ProcessCpu {

	private static final OperatingSystemMXBean SYSTEM = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private final Thread sampler;

	private final long to;

	private volatile long nanos = -1;

	private volatile double busiestEventLoopShare = -1;

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
			long startedAt = System.nanoTime();
			Map<Long, Long> eventLoopsAtStart = eventLoopCpuTimes();
			try {
				sleepUntil(to);
			}
			catch (InterruptedException ex) {
				// The run ended early: its window ends now.
			}
			this.nanos = SYSTEM.getProcessCpuTime() - start;
			this.busiestEventLoopShare = busiestShare(eventLoopsAtStart, eventLoopCpuTimes(),
					System.nanoTime() - startedAt);
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

	/**
	 * Return the share of the window, 0 to 1, that the busiest event-loop thread spent on a CPU, -1 if
	 * none was measured; valid once {@link #nanos()} returned.
	 */
	double busiestEventLoopShare() {
		return this.busiestEventLoopShare;
	}

	/**
	 * Return the CPU time of every Netty event-loop thread (Lettuce names them {@code
	 * lettuce-<transport>EventLoop-<group>-<n>}) by thread id.
	 */
	private static Map<Long, Long> eventLoopCpuTimes() {
		Map<Long, Long> times = new HashMap<>();
		if (THREADS.isThreadCpuTimeSupported()) {
			for (Thread thread : Thread.getAllStackTraces().keySet()) {
				if (thread.getName().contains("EventLoop")) {
					times.put(thread.getId(), THREADS.getThreadCpuTime(thread.getId()));
				}
			}
		}
		return times;
	}

	private static double busiestShare(Map<Long, Long> start, Map<Long, Long> end, long windowNanos) {
		long busiest = -1;
		for (Map.Entry<Long, Long> thread : end.entrySet()) {
			Long before = start.get(thread.getKey());
			if (before != null && before >= 0 && thread.getValue() >= 0) {
				busiest = Math.max(busiest, thread.getValue() - before);
			}
		}
		return (busiest < 0 || windowNanos <= 0) ? -1 : (double) busiest / windowNanos;
	}

	private static void sleepUntil(long nanoTime) throws InterruptedException {
		long left = nanoTime - System.nanoTime();
		if (left > 0) {
			TimeUnit.NANOSECONDS.sleep(left);
		}
	}

}
