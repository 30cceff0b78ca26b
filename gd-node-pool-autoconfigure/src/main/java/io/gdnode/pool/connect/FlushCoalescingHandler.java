package io.gdnode.pool.connect;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;

/**
 * Lets the commands of concurrent callers leave a connection in one socket write. Lettuce writes
 * and flushes every command on its own: N callers on one connection cost N {@code write} system
 * calls and N reads on the server. When the channel's event loop is busy (other tasks wait now,
 * and on average more than {@value #BUSY_WAITING_TASKS} waited at its recent flushes), this handler
 * defers a flush to a task queued behind the writes already waiting, which then leave together;
 * otherwise it passes the flush on at once. A lone caller is so never delayed, nor are a few: with
 * four blocking callers, holding flushes back gathered two writes at a time but delayed the first
 * and woke the callers in step: they ran 3–4% slower than without it. A flush asked for while
 * replies are being read waits for the end of that read (commands sent from reply callbacks leave
 * together), and no more than {@value #MOST_DEFERRED} flushes are ever held back.
 * <p>
 * One instance per channel, just above {@link CommandBatchingHandler}, which it hands each flush it
 * passes on; every method runs on the channel's event loop.
 */
final class FlushCoalescingHandler extends ChannelDuplexHandler {

	/** Flushes held back at most, bounding what waits in the outbound buffer. */
	static final int MOST_DEFERRED = 256;

	/** Tasks waiting at a flush, on average, above which the event loop counts as busy. */
	static final double BUSY_WAITING_TASKS = 2.5;

	/** The average tasks waiting at recent flushes is kept at 2^4 times its value, in an int. */
	private static final int AVERAGE_SHIFT = 4;

	private static final int BUSY_WAITING_SCALED = (int) (BUSY_WAITING_TASKS * (1 << AVERAGE_SHIFT));

	private final Runnable deferredFlush = this::deferredFlush;

	private ChannelHandlerContext context;

	private int deferred;

	private boolean scheduled;

	private boolean reading;

	/** Tasks waiting at this channel's recent flushes, an exponential average over about 16. */
	private int recentWaitingScaled;

	@Override
	public void handlerAdded(ChannelHandlerContext context) {
		this.context = context;
	}

	@Override
	public void flush(ChannelHandlerContext context) {
		if (++this.deferred >= MOST_DEFERRED) {
			flushNow(context);
		}
		else if (this.reading || this.scheduled) {
			// The end of the read, or the task already queued, passes it on.
		}
		else if (loopBusy(context.executor())) {
			this.scheduled = true;
			context.executor().execute(this.deferredFlush);
		}
		else {
			flushNow(context);
		}
	}

	private void deferredFlush() {
		this.scheduled = false;
		if (!this.reading) {
			flushIfDeferred(this.context);
		}
	}

	/**
	 * Whether other tasks wait on the event loop now (writes of other callers, most likely), and
	 * did so at its recent flushes too. An event loop that cannot tell is taken to be busy, at the
	 * cost of one task.
	 */
	private boolean loopBusy(EventExecutor executor) {
		if (!(executor instanceof SingleThreadEventExecutor loop)) {
			return true;
		}
		int waiting = loop.pendingTasks();
		this.recentWaitingScaled += waiting - (this.recentWaitingScaled >> AVERAGE_SHIFT);
		return waiting > 0 && this.recentWaitingScaled > BUSY_WAITING_SCALED;
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) {
		this.reading = true;
		context.fireChannelRead(message);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext context) {
		this.reading = false;
		flushIfDeferred(context);
		context.fireChannelReadComplete();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext context) {
		if (!context.channel().isWritable()) {
			// The outbound buffer is full: what it holds must leave before it grows further.
			flushIfDeferred(context);
		}
		context.fireChannelWritabilityChanged();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
		this.reading = false;
		flushIfDeferred(context);
		context.fireExceptionCaught(cause);
	}

	@Override
	public void disconnect(ChannelHandlerContext context, ChannelPromise promise) {
		this.reading = false;
		flushIfDeferred(context);
		context.disconnect(promise);
	}

	@Override
	public void close(ChannelHandlerContext context, ChannelPromise promise) {
		this.reading = false;
		flushIfDeferred(context);
		context.close(promise);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext context) {
		flushIfDeferred(context);
	}

	private void flushIfDeferred(ChannelHandlerContext context) {
		if (this.deferred > 0) {
			flushNow(context);
		}
	}

	private void flushNow(ChannelHandlerContext context) {
		this.deferred = 0;
		context.flush();
	}

}
