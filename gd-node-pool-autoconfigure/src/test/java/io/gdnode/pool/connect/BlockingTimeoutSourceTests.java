package io.gdnode.pool.connect;

import java.time.Duration;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandKeyword;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BlockingTimeoutSource}: a blocking command is timed by its block time plus
 * the command timeout, any other by the command timeout.
 */
class BlockingTimeoutSourceTests {

	private final BlockingTimeoutSource source = new BlockingTimeoutSource(Duration.ofMillis(1000));

	@Test
	void plainCommandTakesTheCommandTimeout() {
		assertThat(this.source.getTimeout(new Command<>(CommandType.GET, null, keys("k")))).isEqualTo(1000);
		assertThat(this.source.getTimeout(null)).isEqualTo(1000);
	}

	@Test
	void blockingPopAddsItsBlockTimeInSeconds() {
		assertThat(this.source.getTimeout(new Command<>(CommandType.BLPOP, null, keys("a", "b").add(3)))).isEqualTo(4000);
		assertThat(this.source.getTimeout(new Command<>(CommandType.BRPOP, null, keys("a").add(0.5)))).isEqualTo(1500);
		assertThat(this.source.getTimeout(new Command<>(CommandType.BLMPOP, null,
				new CommandArgs<>(StringCodec.UTF8).add(2).add(1).addKey("a").add("LEFT"))))
			.isEqualTo(3000);
	}

	@Test
	void streamReadAddsItsBlockTimeInMilliseconds() {
		CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add(CommandKeyword.COUNT)
			.add(10)
			.add("BLOCK")
			.add(2500)
			.add("STREAMS")
			.addKey("s")
			.add("$");
		assertThat(this.source.getTimeout(new Command<>(CommandType.XREAD, null, args))).isEqualTo(3500);
	}

	@Test
	void blockForEverIsNotTimed() {
		assertThat(this.source.getTimeout(new Command<>(CommandType.BLPOP, null, keys("a").add(0)))).isZero();
	}

	@Test
	void rawBlockingCommandFromExecuteIsRead() {
		// Spring Data Redis's execute("BLPOP", key, "2") sends every argument as a key.
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKeys("a".getBytes(),
				"2".getBytes());
		assertThat(this.source.getTimeout(new Command<>(CommandType.BLPOP, null, args))).isEqualTo(3000);
	}

	@Test
	void unreadableBlockTimeFallsBackToTheCommandTimeout() {
		assertThat(this.source.getTimeout(new Command<>(CommandType.BLPOP, null, keys("a", "b")))).isEqualTo(1000);
	}

	private static CommandArgs<String, String> keys(String... keys) {
		return new CommandArgs<>(StringCodec.UTF8).addKeys(keys);
	}

}
