package io.gdnode.pool.connect;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;

/**
 * A timer whose cancelled timeouts let go of their task at once. Lettuce schedules a timeout for
 * every command and cancels it on the reply, and Netty's wheel timer drops a cancelled timeout
 * only at its next tick: until then the task, and the command with all that hangs on it (a
 * reactive pipeline), stays reachable. Here only a small handle waits for the tick, so the timer
 * can tick as seldom as Lettuce's own.
 */
final class TaskReleasingTimer implements Timer {

	private final Timer wheel;

	TaskReleasingTimer(Timer wheel) {
		this.wheel = wheel;
	}

	@Override
	public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
		Handle handle = new Handle(this, task);
		handle.scheduled = this.wheel.newTimeout(handle, delay, unit);
		return handle;
	}

	@Override
	public Set<Timeout> stop() {
		return this.wheel.stop();
	}

	/**
	 * What the wheel holds and the caller cancels: the task, until cancelled.
	 */
	private static final class Handle implements Timeout, TimerTask {

		private final Timer timer;

		private volatile TimerTask task;

		/** The wheel's timeout, set as soon as it is scheduled: before the caller can cancel. */
		private volatile Timeout scheduled;

		Handle(Timer timer, TimerTask task) {
			this.timer = timer;
			this.task = task;
		}

		@Override
		public void run(Timeout timeout) throws Exception {
			TimerTask task = this.task;
			if (task != null) {
				task.run(this);
			}
		}

		@Override
		public boolean cancel() {
			Timeout scheduled = this.scheduled;
			if (scheduled == null || !scheduled.cancel()) {
				return false;
			}
			this.task = null;
			return true;
		}

		@Override
		public Timer timer() {
			return this.timer;
		}

		@Override
		public TimerTask task() {
			return this.task;
		}

		@Override
		public boolean isExpired() {
			Timeout scheduled = this.scheduled;
			return scheduled != null && scheduled.isExpired();
		}

		@Override
		public boolean isCancelled() {
			Timeout scheduled = this.scheduled;
			return scheduled != null && scheduled.isCancelled();
		}

	}

}
