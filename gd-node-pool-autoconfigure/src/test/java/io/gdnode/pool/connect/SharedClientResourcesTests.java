package io.gdnode.pool.connect;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SharedClientResources}'s timer ({@link TaskReleasingTimer}), against Netty's
 * wheel timer that Lettuce builds by default. A wheel ticking every 10 s holds a cancelled timeout
 * for the whole test, so what each timer still references is told apart without racing a tick.
 */
class SharedClientResourcesTests {

	private static final Duration COLLECTED_WITHIN = Duration.ofSeconds(5);

	@Test
	void aCancelledTimeoutLetsGoOfItsTaskBeforeTheWheelDropsItUnlikeLettucesDefaultTimer() throws Exception {
		HashedWheelTimer wheel = slowWheel();
		try {
			long held = wheel.pendingTimeouts();
			WeakReference<Object> plain = cancelledTaskPayload(wheel);
			WeakReference<Object> releasing = cancelledTaskPayload(new TaskReleasingTimer(wheel));
			assertThat(collected(releasing)).isTrue();
			// Lettuce's default timer still holds the command a cancelled timeout referred to.
			assertThat(collected(plain)).isFalse();
			assertThat(wheel.pendingTimeouts()).isEqualTo(held + 2);
		}
		finally {
			wheel.stop();
		}
	}

	@Test
	void aTimeoutThatIsNotCancelledRunsItsTaskWithTheTimeoutTheCallerWasGiven() throws Exception {
		HashedWheelTimer wheel = new HashedWheelTimer(new DefaultThreadFactory("test-timer", true), 10,
				TimeUnit.MILLISECONDS);
		try {
			TaskReleasingTimer timer = new TaskReleasingTimer(wheel);
			CountDownLatch ran = new CountDownLatch(1);
			Timeout[] seen = new Timeout[1];
			Timeout timeout = timer.newTimeout((expired) -> {
				seen[0] = expired;
				ran.countDown();
			}, 20, TimeUnit.MILLISECONDS);
			assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(seen[0]).isSameAs(timeout);
			assertThat(timeout.isExpired()).isTrue();
			assertThat(timeout.cancel()).isFalse();
			assertThat(timeout.timer()).isSameAs(timer);
		}
		finally {
			wheel.stop();
		}
	}

	@Test
	void theSharedResourcesTimerLetsGoOfTheTaskOfACancelledTimeout() {
		SharedClientResources shared = new SharedClientResources();
		try {
			Timer timer = shared.getObject().timer();
			assertThat(timer).isInstanceOf(TaskReleasingTimer.class);
			Timeout timeout = timer.newTimeout((expired) -> {
			}, 60, TimeUnit.SECONDS);
			assertThat(timeout.cancel()).isTrue();
			assertThat(timeout.isCancelled()).isTrue();
			assertThat(timeout.task()).isNull();
		}
		finally {
			shared.destroy();
		}
	}

	private static HashedWheelTimer slowWheel() {
		return new HashedWheelTimer(new DefaultThreadFactory("test-timer", true), 10, TimeUnit.SECONDS);
	}

	/**
	 * Schedule a task that holds a payload, as Lettuce's timeout task holds its command, cancel it,
	 * and return a weak reference to the payload.
	 */
	private static WeakReference<Object> cancelledTaskPayload(Timer timer) {
		Object payload = new byte[1024];
		Timeout timeout = timer.newTimeout((expired) -> payload.hashCode(), 60, TimeUnit.SECONDS);
		assertThat(timeout.cancel()).isTrue();
		return new WeakReference<>(payload);
	}

	private static boolean collected(WeakReference<Object> reference) throws InterruptedException {
		long deadline = System.nanoTime() + COLLECTED_WITHIN.toNanos();
		while (reference.get() != null && System.nanoTime() < deadline) {
			System.gc();
			Thread.sleep(10);
		}
		return reference.get() == null;
	}

}
