package io.gdnode.pool.connect;

import io.lettuce.core.protocol.CommandEncoder;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;

/**
 * Coalesces the writes of concurrent callers on every channel of the client resources it is set
 * on: Lettuce calls it for each new channel, a reconnect's included. Two handlers sit just above
 * Lettuce's encoder: {@link FlushCoalescingHandler} holds a flush back while other callers' writes
 * wait, and {@link CommandBatchingHandler} hands the encoder the commands of one flush together, so
 * they leave in one buffer (and, over TLS, in as few records as fit). Another
 * {@link NettyCustomizer} (an application's) can be given to run first, so that setting this one
 * drops neither.
 */
public final class CoalescingNettyCustomizer implements NettyCustomizer {

	/** Name of the flush coalescing handler in a channel's pipeline. */
	public static final String HANDLER_NAME = "gdNodeFlushCoalescing";

	/** Name of the handler that hands Lettuce's encoder the commands of one flush together. */
	public static final String BATCHING_HANDLER_NAME = "gdNodeCommandBatching";

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
		ChannelHandlerContext encoder = pipeline.context(CommandEncoder.class);
		if (encoder == null || pipeline.get(HANDLER_NAME) != null) {
			// Not a channel Lettuce writes commands on, or one set up already.
			return;
		}
		// Outbound order: the flush is held back first, then what was written before it is batched.
		pipeline.addAfter(encoder.name(), BATCHING_HANDLER_NAME, new CommandBatchingHandler());
		pipeline.addAfter(BATCHING_HANDLER_NAME, HANDLER_NAME, new FlushCoalescingHandler());
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
