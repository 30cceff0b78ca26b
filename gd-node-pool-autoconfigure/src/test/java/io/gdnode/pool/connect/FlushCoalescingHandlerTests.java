package io.gdnode.pool.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of {@link FlushCoalescingHandler}, on an {@link EmbeddedChannel}: its event loop
 * cannot tell whether other tasks wait, so every flush outside a read is deferred to a task, which
 * the test runs when it chooses (and the embedded channel after every write that reaches it). What
 * reaches the socket is counted below the handler. Whether a loop is busy enough to hold flushes
 * back is tested on a real single-thread loop.
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

	@Test
	void aLoopWithFewTasksWaitingPassesFlushesOnAtOnce() throws Exception {
		List<String> flushed = onBusyLoop(3);
		assertThat(flushed).containsExactly("command 0", "|", "command 1", "|", "command 2", "|");
	}

	@Test
	void aLoopThatStaysBusyHoldsFlushesBackAndSendsTheWritesTogether() throws Exception {
		List<String> flushed = onBusyLoop(200);
		assertThat(flushed).filteredOn((message) -> !message.equals("|"))
			.containsExactlyElementsOf(IntStream.range(0, 200).mapToObj((i) -> "command " + i).toList());
		assertThat(flushed).filteredOn("|"::equals).hasSizeLessThanOrEqualTo(200 / 10);
	}

	/**
	 * Queue writes and flushes on a real single-thread event loop while it is held, then let it run
	 * them; returns the messages that reached the socket, with a {@code |} for every socket flush.
	 */
	private static List<String> onBusyLoop(int commands) throws Exception {
		DefaultEventExecutorGroup loop = new DefaultEventExecutorGroup(1);
		try {
			List<String> socket = new ArrayList<>();
			List<String> pending = new ArrayList<>();
			EmbeddedChannel channel = new EmbeddedChannel();
			channel.pipeline().addLast(loop, new ChannelOutboundHandlerAdapter() {

				@Override
				public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
					pending.add((String) message);
					promise.setSuccess();
				}

				@Override
				public void flush(ChannelHandlerContext context) {
					socket.addAll(pending);
					pending.clear();
					socket.add("|");
				}

			}, new FlushCoalescingHandler());
			CountDownLatch held = new CountDownLatch(1);
			loop.next().submit(() -> held.await(10, TimeUnit.SECONDS));
			for (int i = 0; i < commands; i++) {
				channel.pipeline().writeAndFlush("command " + i);
			}
			held.countDown();
			loop.next().submit(() -> null).get(10, TimeUnit.SECONDS);
			// A flush deferred behind that task has run before this one.
			return loop.next().submit(() -> List.copyOf(socket)).get(10, TimeUnit.SECONDS);
		}
		finally {
			loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
	}

	private void writeAndFlush(String message) {
		this.channel.pipeline().write(message);
		this.channel.pipeline().flush();
	}

}
