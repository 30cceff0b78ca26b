package io.gdnode.pool.connect;

import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of {@link FlushCoalescingHandler}, on an {@link EmbeddedChannel}: its event loop
 * cannot tell whether other tasks wait, so every flush outside a read is deferred to a task, which
 * the test runs when it chooses (and the embedded channel after every write that reaches it). What
 * reaches the socket is counted below the handler.
 */
class FlushCoalescingHandlerTests {

	private final AtomicInteger socketFlushes = new AtomicInteger();

	private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {

		@Override
		public void flush(ChannelHandlerContext context) {
			FlushCoalescingHandlerTests.this.socketFlushes.incrementAndGet();
			context.flush();
		}

	}, new FlushCoalescingHandler());

	@Test
	void writesWaitingOnTheEventLoopLeaveInOneFlush() {
		this.channel.pipeline().write("a");
		this.channel.pipeline().write("b");
		this.channel.pipeline().flush();
		this.channel.pipeline().flush();
		assertThat(this.socketFlushes).hasValue(0);
		assertThat((Object) this.channel.readOutbound()).isNull();
		this.channel.runPendingTasks();
		assertThat(this.socketFlushes).hasValue(1);
		assertThat((String) this.channel.readOutbound()).isEqualTo("a");
		assertThat((String) this.channel.readOutbound()).isEqualTo("b");
	}

	@Test
	void flushesAskedForDuringAReadLeaveWhenTheReadEnds() {
		this.channel.pipeline().fireChannelRead("reply");
		writeAndFlush("sent from a reply callback");
		this.channel.runPendingTasks();
		assertThat(this.socketFlushes).hasValue(0);
		this.channel.pipeline().fireChannelReadComplete();
		assertThat(this.socketFlushes).hasValue(1);
		assertThat((String) this.channel.readOutbound()).isEqualTo("sent from a reply callback");
	}

	@Test
	void noMoreThanTheBoundOfFlushesIsHeldBack() {
		for (int i = 0; i < FlushCoalescingHandler.MOST_DEFERRED; i++) {
			this.channel.pipeline().write("command " + i);
		}
		for (int i = 0; i < FlushCoalescingHandler.MOST_DEFERRED - 1; i++) {
			this.channel.pipeline().flush();
		}
		assertThat(this.socketFlushes).hasValue(0);
		this.channel.pipeline().flush();
		assertThat(this.socketFlushes).hasValue(1);
		assertThat(this.channel.outboundMessages()).hasSize(FlushCoalescingHandler.MOST_DEFERRED);
	}

	@Test
	void closingSendsWhatWasHeldBackFirst() {
		writeAndFlush("last");
		this.channel.close();
		assertThat(this.socketFlushes).hasValue(1);
		assertThat((String) this.channel.readOutbound()).isEqualTo("last");
	}

	@Test
	void aFlushWithNothingHeldBackAfterTheTaskRanIsNotRepeated() {
		writeAndFlush("a");
		this.channel.runPendingTasks();
		this.channel.runPendingTasks();
		assertThat(this.socketFlushes).hasValue(1);
	}

	private void writeAndFlush(String message) {
		this.channel.pipeline().write(message);
		this.channel.pipeline().flush();
	}

}
