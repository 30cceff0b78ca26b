package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reports connections held longer than a threshold, the way HikariCP does: once at WARN with the
 * stack trace of the code that took the connection, and again when it comes back.
 */
final class LeakDetector {

	private static final Log logger = LogFactory.getLog(LeakDetector.class);

	/** What a use is tracked with when leak detection is off: nothing. */
	static final Tracker NONE = () -> {
	};

	private final String pool;

	private final Duration threshold;

	private final Timer timer;

	private final PoolCounters counters;

	LeakDetector(String pool, Duration threshold, Timer timer, PoolCounters counters) {
		this.pool = pool;
		this.threshold = threshold;
		this.timer = timer;
		this.counters = counters;
	}

	boolean isEnabled() {
		return this.threshold != null && this.threshold.toNanos() > 0;
	}

	/**
	 * Start watching one use of a connection.
	 * @return the tracker to close when the connection comes back
	 */
	Tracker track() {
		return isEnabled() ? new LeakTask() : NONE;
	}

	/**
	 * Watches one use of a connection.
	 */
	@FunctionalInterface
	interface Tracker {

		/**
		 * The connection came back.
		 */
		void close();

	}

	private final class LeakTask implements Tracker, TimerTask {

		// Taken when the connection is taken, so the report shows who took it.
		private final Exception origin = new Exception("Apparent connection leak detected");

		private final String thread = Thread.currentThread().getName();

		private final long startNanos = System.nanoTime();

		private final Timeout timeout;

		private volatile boolean reported;

		LeakTask() {
			this.timeout = LeakDetector.this.timer.newTimeout(this, LeakDetector.this.threshold.toNanos(),
					TimeUnit.NANOSECONDS);
		}

		@Override
		public void run(Timeout timeout) {
			this.reported = true;
			LeakDetector.this.counters.leaked.increment();
			logger.warn(LeakDetector.this.pool + " - connection leak detection triggered: a connection taken by thread "
					+ this.thread + " is held for more than " + LeakDetector.this.threshold + ", stack trace follows",
					this.origin);
		}

		@Override
		public void close() {
			this.timeout.cancel();
			if (this.reported) {
				Duration held = Duration.ofNanos(System.nanoTime() - this.startNanos);
				logger.info(LeakDetector.this.pool + " - previously reported leaked connection taken by thread "
						+ this.thread + " was returned after " + held);
			}
		}

	}

}
