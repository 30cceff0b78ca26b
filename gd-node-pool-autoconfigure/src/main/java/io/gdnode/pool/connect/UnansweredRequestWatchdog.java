package io.gdnode.pool.connect;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Closes a connection that has read nothing for a bound while a request waits for its reply, so
 * Lettuce reconnects. TCP keepalive cannot find such a peer when its TCP stack still answers: a
 * proxy or load balancer whose Redis is gone, or a stopped Redis process.
 * <p>
 * Sits at the head of the pipeline and sees bytes: the clock starts at the first write after the
 * last read and stops at the next read. All state is touched on the channel's event loop only.
 */
final class UnansweredRequestWatchdog extends ChannelDuplexHandler {

	private static final Log logger = LogFactory.getLog(UnansweredRequestWatchdog.class);

	private static final String NAME = "gdNodeUnansweredRequestWatchdog";

	private final long timeoutNanos;

	private long unansweredSince;

	private ScheduledFuture<?> check;

	private UnansweredRequestWatchdog(Duration timeout) {
		this.timeoutNanos = timeout.toNanos();
	}

	static void install(Channel channel, Duration timeout) {
		channel.pipeline().addFirst(NAME, new UnansweredRequestWatchdog(timeout));
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		long period = Math.max(this.timeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(50));
		this.check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), period, period, TimeUnit.NANOSECONDS);
		super.channelActive(ctx);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		cancelCheck();
		super.channelInactive(ctx);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		cancelCheck();
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		if (this.unansweredSince == 0) {
			this.unansweredSince = System.nanoTime();
		}
		super.write(ctx, msg, promise);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		this.unansweredSince = 0;
		super.channelRead(ctx, msg);
	}

	private void check(ChannelHandlerContext ctx) {
		long since = this.unansweredSince;
		if (since != 0 && System.nanoTime() - since >= this.timeoutNanos && ctx.channel().isActive()) {
			logger.warn("Closing the connection to " + ctx.channel().remoteAddress() + ": nothing read for "
					+ Duration.ofNanos(this.timeoutNanos) + " while a request waited for its reply; reconnecting");
			this.unansweredSince = 0;
			ctx.close();
		}
	}

	private void cancelCheck() {
		if (this.check != null) {
			this.check.cancel(false);
			this.check = null;
		}
	}

}
