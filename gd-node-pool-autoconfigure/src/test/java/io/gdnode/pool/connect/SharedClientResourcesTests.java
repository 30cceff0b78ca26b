package io.gdnode.pool.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SharedClientResources}'s timer, against the one Lettuce builds by default.
 */
class SharedClientResourcesTests {

	private static final int ROUNDS = 10;

	/**
	 * Every command's timeout is cancelled on its reply; the timer holds a cancelled timeout, and
	 * the command it refers to, until its next tick. A tick falls anywhere in its period, so the
	 * mean over rounds tells the periods apart: about 5 ms for a 10 ms tick, 50 ms for Lettuce's
	 * 100 ms (a mean under 30 ms over ten rounds happens about once in a hundred runs for that one).
	 */
	@Test
	void cancelledTimeoutsAreDroppedWithinAFewMillisecondsUnlikeWithLettucesDefaultTimer() throws Exception {
		SharedClientResources shared = new SharedClientResources();
		ClientResources lettuceDefault = DefaultClientResources.create();
		try {
			double sharedMillis = meanMillisUntilCancelledAreDropped((HashedWheelTimer) shared.getObject().timer());
			double defaultMillis = meanMillisUntilCancelledAreDropped((HashedWheelTimer) lettuceDefault.timer());
			assertThat(sharedMillis).isLessThan(defaultMillis).isLessThan(30);
		}
		finally {
			shared.destroy();
			lettuceDefault.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
		}
	}

	private static double meanMillisUntilCancelledAreDropped(HashedWheelTimer timer) throws InterruptedException {
		long total = 0;
		for (int round = 0; round < ROUNDS; round++) {
			long before = timer.pendingTimeouts();
			List<Timeout> timeouts = new ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				timeouts.add(timer.newTimeout((timeout) -> {
				}, 60, TimeUnit.SECONDS));
			}
			long start = System.nanoTime();
			timeouts.forEach(Timeout::cancel);
			while (timer.pendingTimeouts() > before && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)) {
				Thread.sleep(1);
			}
			assertThat(timer.pendingTimeouts()).isLessThanOrEqualTo(before);
			total += System.nanoTime() - start;
		}
		return TimeUnit.NANOSECONDS.toMicros(total) / 1000.0 / ROUNDS;
	}

}
