package io.gdnode.pool.connect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.lettuce.core.protocol.RedisCommand;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Hands the commands written between two flushes to Lettuce's encoder as one batch, which it
 * encodes into one buffer: written one by one, every command costs a buffer of its own, and
 * taking those from Netty's allocator was the event loop's largest single cost with many calls in
 * flight on one connection. Each writer's promise completes as the batch's does, in the order
 * written. A lone command, and anything that is not a command, passes on as it came.
 * <p>
 * One instance per channel, just above Lettuce's {@code CommandEncoder}; every method runs on the
 * channel's event loop.
 */
final class CommandBatchingHandler extends ChannelOutboundHandlerAdapter {

	/** Commands and command collections written since the last flush, in order. */
	private final List<Object> messages = new ArrayList<>();

	private final List<ChannelPromise> promises = new ArrayList<>();

	private int commands;

	@Override
	public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
		if (message instanceof RedisCommand<?, ?, ?>) {
			this.commands++;
		}
		else if (message instanceof Collection<?> collection && !collection.isEmpty()
				&& collection.iterator().next() instanceof RedisCommand<?, ?, ?>) {
			this.commands += collection.size();
		}
		else {
			writeHeld(context);
			context.write(message, promise);
			return;
		}
		this.messages.add(message);
		this.promises.add(promise);
	}

	@Override
	public void flush(ChannelHandlerContext context) {
		writeHeld(context);
		context.flush();
	}

	@Override
	public void close(ChannelHandlerContext context, ChannelPromise promise) {
		writeHeld(context);
		context.close(promise);
	}

	@Override
	public void disconnect(ChannelHandlerContext context, ChannelPromise promise) {
		writeHeld(context);
		context.disconnect(promise);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext context) {
		writeHeld(context);
	}

	private void writeHeld(ChannelHandlerContext context) {
		int held = this.messages.size();
		if (held == 0) {
			return;
		}
		if (held == 1) {
			Object message = this.messages.get(0);
			ChannelPromise promise = this.promises.get(0);
			clear();
			context.write(message, promise);
			return;
		}
		List<Object> batch = new ArrayList<>(this.commands);
		for (Object message : this.messages) {
			if (message instanceof Collection<?> collection) {
				batch.addAll(collection);
			}
			else {
				batch.add(message);
			}
		}
		ChannelPromise[] promises = this.promises.toArray(ChannelPromise[]::new);
		clear();
		context.write(batch, context.newPromise()).addListener(new Completion(promises));
	}

	private void clear() {
		this.messages.clear();
		this.promises.clear();
		this.commands = 0;
	}

	/**
	 * Completes the promises of a batch's writers as the batch's write completed.
	 */
	private record Completion(ChannelPromise[] promises) implements ChannelFutureListener {

		@Override
		public void operationComplete(ChannelFuture written) {
			Throwable failure = written.cause();
			for (ChannelPromise promise : this.promises) {
				if (failure == null) {
					promise.trySuccess();
				}
				else {
					promise.tryFailure(failure);
				}
			}
		}

	}

}
