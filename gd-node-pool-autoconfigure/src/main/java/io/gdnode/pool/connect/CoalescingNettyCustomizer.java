package io.gdnode.pool.connect;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.lettuce.core.resource.NettyCustomizer;

/**
 * Coalesces the writes of concurrent callers on every channel of the client resources it is set
 * on: Lettuce calls it for each new channel, a reconnect's included. The coalescing handler sits
 * just above TLS, where the commands of one flush also leave in fewer TLS records, or at the head
 * of a plain channel. Another {@link NettyCustomizer} (an application's) can be given to run first,
 * so that setting this one drops neither.
 */
public final class CoalescingNettyCustomizer implements NettyCustomizer {

	/** Name of the handler in a channel's pipeline. */
	public static final String HANDLER_NAME = "gdNodeFlushCoalescing";

	private final NettyCustomizer first;

	/**
	 * Create a customizer that only coalesces.
	 */
	public CoalescingNettyCustomizer() {
		this(null);
	}

	/**
	 * Create a customizer that runs another one, then coalesces.
	 * @param first the customizer to run first, or {@code null}
	 */
	public CoalescingNettyCustomizer(NettyCustomizer first) {
		this.first = first;
	}

	@Override
	public void afterBootstrapInitialized(Bootstrap bootstrap) {
		if (this.first != null) {
			this.first.afterBootstrapInitialized(bootstrap);
		}
	}

	@Override
	public void afterChannelInitialized(Channel channel) {
		if (this.first != null) {
			this.first.afterChannelInitialized(channel);
		}
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(HANDLER_NAME) != null) {
			return;
		}
		ChannelHandlerContext tls = pipeline.context(SslHandler.class);
		if (tls != null) {
			pipeline.addAfter(tls.name(), HANDLER_NAME, new FlushCoalescingHandler());
		}
		else {
			pipeline.addFirst(HANDLER_NAME, new FlushCoalescingHandler());
		}
	}

	/**
	 * Return whether the given customizer is one of these.
	 * @param customizer a client resources' customizer
	 * @return whether it coalesces
	 */
	static boolean coalesces(NettyCustomizer customizer) {
		return customizer instanceof CoalescingNettyCustomizer;
	}

}
