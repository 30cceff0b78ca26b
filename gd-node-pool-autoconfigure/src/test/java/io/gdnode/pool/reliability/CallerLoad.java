package io.gdnode.pool.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Caller threads that run an operation in a loop and record every call: when it started, how
 * long it took and how it ended. Failed calls pause briefly before the next, as an application's
 * retry would.
 */
final class CallerLoad implements AutoCloseable {

	private static final Duration PAUSE_AFTER_FAILURE = Duration.ofMillis(10);

	/**
	 * One call of one caller.
	 *
	 * @param thread the caller
	 * @param sequence the caller's call number
	 * @param startNanos when it started ({@link System#nanoTime()})
	 * @param endNanos when it returned or threw
	 * @param failure what it threw, or {@code null}
	 */
	record Call(int thread, long sequence, long startNanos, long endNanos, Throwable failure) {

		Duration duration() {
			return Duration.ofNanos(this.endNanos - this.startNanos);
		}

		boolean succeeded() {
			return this.failure == null;
		}

	}

	@FunctionalInterface
	interface Operation {

		void call(int thread, long sequence) throws Exception;

	}

	private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean stopped;

	CallerLoad(int callers, Operation operation) {
		for (int i = 0; i < callers; i++) {
			int thread = i;
			Thread caller = new Thread(() -> {
				for (long sequence = 0; !this.stopped; sequence++) {
					long start = System.nanoTime();
					Throwable failure = null;
					try {
						operation.call(thread, sequence);
					}
					catch (Throwable ex) {
						failure = ex;
					}
					this.calls.add(new Call(thread, sequence, start, System.nanoTime(), failure));
					if (failure != null) {
						sleep(PAUSE_AFTER_FAILURE);
					}
				}
			}, "caller-" + i);
			caller.setDaemon(true);
			this.threads.add(caller);
			caller.start();
		}
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Stop the callers and wait for them to finish their last call.
	 * @return every call made
	 */
	List<Call> stop() throws InterruptedException {
		this.stopped = true;
		for (Thread thread : this.threads) {
			thread.join(TimeUnit.SECONDS.toMillis(30));
			if (thread.isAlive()) {
				throw new IllegalStateException(thread.getName() + " is still blocked 30 s after the load stopped");
			}
		}
		return new ArrayList<>(this.calls);
	}

	/**
	 * Wait until a call that started after the given time succeeded.
	 * @return how long after {@code sinceNanos} that call returned, or empty if none did within the limit
	 */
	Optional<Duration> awaitSuccessAfter(long sinceNanos, Duration limit) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline) {
			Optional<Duration> found = this.calls.stream()
				.filter((call) -> call.succeeded() && call.startNanos() >= sinceNanos)
				.map((call) -> Duration.ofNanos(call.endNanos() - sinceNanos))
				.min(Duration::compareTo);
			if (found.isPresent()) {
				return found;
			}
			sleep(Duration.ofMillis(5));
		}
		return Optional.empty();
	}

	/**
	 * Wait until at least one call failed.
	 * @return the first failed call, in the order calls ended
	 */
	Call awaitFailure(Duration limit) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline) {
			Optional<Call> failed = this.calls.stream()
				.filter((call) -> !call.succeeded())
				.min((a, b) -> Long.compare(a.endNanos(), b.endNanos()));
			if (failed.isPresent()) {
				return failed.get();
			}
			sleep(Duration.ofMillis(2));
		}
		throw new AssertionError("No call failed within " + limit);
	}

	@Override
	public void close() throws InterruptedException {
		if (!this.stopped) {
			stop();
		}
	}

}
