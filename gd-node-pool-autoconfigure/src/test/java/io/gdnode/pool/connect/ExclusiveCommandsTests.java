package io.gdnode.pool.connect;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ExclusiveCommands}: session changes and blocking commands need a connection of
 * their own, every other command shares one.
 */
class ExclusiveCommandsTests {

	@Test
	void plainCommandsShare() {
		assertThat(ExclusiveCommands.needsExclusive(CommandType.GET, args("k"))).isFalse();
		assertThat(ExclusiveCommands.needsExclusive(CommandType.LPOP, args("k"))).isFalse();
		assertThat(ExclusiveCommands.needsExclusive(CommandType.CLIENT, args("LIST"))).isFalse();
		assertThat(ExclusiveCommands.needsExclusive(CommandType.PING, null)).isFalse();
	}

	@Test
	void sessionChangesNeedAConnectionOfTheirOwn() {
		assertThat(ExclusiveCommands.needsExclusive(CommandType.MULTI, null)).isTrue();
		assertThat(ExclusiveCommands.needsExclusive(CommandType.WATCH, args("k"))).isTrue();
		assertThat(ExclusiveCommands.needsExclusive(CommandType.SELECT, new CommandArgs<>(StringCodec.UTF8).add(1)))
			.isTrue();
		assertThat(ExclusiveCommands.needsExclusive(CommandType.CLIENT, args("SETNAME").add("n"))).isTrue();
		assertThat(ExclusiveCommands.needsExclusive(CommandType.AUTH, args("secret"))).isTrue();
	}

	@Test
	void blockingCommandsNeedAConnectionOfTheirOwn() {
		assertThat(ExclusiveCommands.needsExclusive(CommandType.BLPOP, args("k").add(1))).isTrue();
		assertThat(ExclusiveCommands.needsExclusive(CommandType.BZPOPMIN, args("k").add(0))).isTrue();
		assertThat(ExclusiveCommands.needsExclusive(CommandType.WAIT,
				new CommandArgs<>(StringCodec.UTF8).add(1).add(100))).isTrue();
		assertThat(ExclusiveCommands.needsExclusive(CommandType.XREAD,
				new CommandArgs<>(StringCodec.UTF8).add("BLOCK").add(100).add("STREAMS").addKey("s").add("$")))
			.isTrue();
	}

	@Test
	void streamReadWithoutBlockShares() {
		assertThat(ExclusiveCommands.needsExclusive(CommandType.XREAD,
				new CommandArgs<>(StringCodec.UTF8).add("COUNT").add(10).add("STREAMS").addKey("s").add("0")))
			.isFalse();
	}

	private static CommandArgs<String, String> args(String first) {
		return new CommandArgs<>(StringCodec.UTF8).add(first);
	}

}
