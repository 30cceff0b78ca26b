package io.gdnode.pool.connect;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;

/**
 * Lets the commands of concurrent callers leave a connection in one socket write. Lettuce writes
 * and flushes every command on its own: N callers on one connection cost N {@code write} system
 * calls and N reads on the server. This handler passes a flush on at once when nothing else waits
 * on the channel's event loop, so a lone caller is never delayed, and otherwise defers it to a task
 * queued behind the writes already waiting, which then leave together. A flush asked for while
 * replies are being read waits for the end of that read (commands sent from reply callbacks leave
 * together), and no more than {@value #MOST_DEFERRED} flushes are ever held back.
 * <p>
 * One instance per channel, just above {@link CommandBatchingHandler}, which it hands each flush it
 * passes on; every method runs on the channel's event loop.
 */
final class FlushCoalescingHandler extends ChannelDuplexHandler {

	/** Flushes held back at most, bounding what waits in the outbound buffer. */
	static final int MOST_DEFERRED = 256;

	private final Runnable deferredFlush = this::deferredFlush;

	private ChannelHandlerContext context;

	private int deferred;

	private boolean scheduled;

	private boolean reading;

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
		else if (othersWaiting(context.executor())) {
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
	 * Whether other tasks wait on the event loop: writes of other callers, most likely. An event
	 * loop that cannot tell is taken to have some, at the cost of one task.
	 */
	private static boolean othersWaiting(EventExecutor executor) {
		return !(executor instanceof SingleThreadEventExecutor loop) || loop.pendingTasks() > 0;
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
