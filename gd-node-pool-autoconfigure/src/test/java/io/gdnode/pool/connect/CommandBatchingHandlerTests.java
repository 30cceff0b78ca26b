package io.gdnode.pool.connect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandEncoder;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CommandBatchingHandler} above Lettuce's own {@link CommandEncoder}, on an
 * {@link EmbeddedChannel}: what leaves the encoder is read as the socket would get it, one buffer
 * per write that reached the encoder.
 */
class CommandBatchingHandlerTests {

	private final List<String> encoderWrites = new ArrayList<>();

	private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {

		@Override
		public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
			// Below the encoder: every buffer it made.
			ByteBuf buffer = (ByteBuf) message;
			CommandBatchingHandlerTests.this.encoderWrites.add(buffer.toString(StandardCharsets.US_ASCII));
			buffer.release();
			promise.setSuccess();
		}

	}, new CommandEncoder(), new CommandBatchingHandler());

	@Test
	void commandsWrittenBeforeOneFlushLeaveTheEncoderInOneBufferInTheirOrder() {
		ChannelFuture first = this.channel.write(get("a"));
		ChannelFuture second = this.channel.write(List.of(get("b"), get("c")));
		ChannelFuture third = this.channel.write(get("d"));
		assertThat(this.encoderWrites).isEmpty();
		assertThat(first.isDone()).isFalse();
		this.channel.flush();
		assertThat(this.encoderWrites).containsExactly(resp("a") + resp("b") + resp("c") + resp("d"));
		assertThat(List.of(first, second, third)).allSatisfy((written) -> assertThat(written.isSuccess()).isTrue());
	}

	@Test
	void aLoneCommandPassesAsItCame() {
		this.channel.writeAndFlush(get("a"));
		this.channel.writeAndFlush(get("b"));
		assertThat(this.encoderWrites).containsExactly(resp("a"), resp("b"));
	}

	@Test
	void whatIsNotACommandPassesAtOnceAfterTheCommandsBeforeIt() {
		List<Object> written = new ArrayList<>();
		EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {

			@Override
			public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
				written.add(message);
				promise.setSuccess();
			}

		}, new CommandBatchingHandler());
		Command<String, String, String> command = get("a");
		channel.write(command);
		channel.write("not a command");
		assertThat(written).containsExactly(command, "not a command");
	}

	@Test
	void aFailedBatchFailsEveryWriterWithItsCause() {
		IOException cause = new IOException("connection reset");
		EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {

			@Override
			public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
				promise.setFailure(cause);
			}

		}, new CommandBatchingHandler());
		ChannelFuture first = channel.write(get("a"));
		ChannelFuture second = channel.write(get("b"));
		channel.flush();
		assertThat(List.of(first, second)).allSatisfy((written) -> assertThat(written.cause()).isSameAs(cause));
	}

	@Test
	void closingPassesOnWhatIsHeldSoThatItsWriterLearnsTheOutcome() {
		ChannelFuture held = this.channel.write(get("a"));
		this.channel.close();
		assertThat(this.encoderWrites).containsExactly(resp("a"));
		assertThat(held.isDone()).isTrue();
	}

	private static Command<String, String, String> get(String key) {
		return new Command<>(CommandType.GET, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).addKey(key));
	}

	private static String resp(String key) {
		return "*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n";
	}

}
