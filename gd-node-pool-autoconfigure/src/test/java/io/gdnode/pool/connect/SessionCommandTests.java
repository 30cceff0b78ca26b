package io.gdnode.pool.connect;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandKeyword;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SessionCommand}: which commands change the Redis session of their connection.
 */
class SessionCommandTests {

	@Test
	void plainCommandsLeaveTheSessionAlone() {
		assertThat(SessionCommand.of(command(CommandType.GET, keys("k")))).isEqualTo(SessionCommand.NONE);
		assertThat(SessionCommand.of(command(CommandType.BLPOP, keys("k").add(3)))).isEqualTo(SessionCommand.NONE);
		assertThat(SessionCommand.of(command(CommandType.CLIENT, new CommandArgs<>(StringCodec.UTF8).add(CommandKeyword.LIST))))
			.isEqualTo(SessionCommand.NONE);
	}

	@Test
	void transactionCommandsAreTracked() {
		assertThat(SessionCommand.of(command(CommandType.WATCH, keys("k")))).isEqualTo(SessionCommand.WATCH);
		assertThat(SessionCommand.of(command(CommandType.UNWATCH, null))).isEqualTo(SessionCommand.UNWATCH);
		assertThat(SessionCommand.of(command(CommandType.MULTI, null))).isEqualTo(SessionCommand.MULTI);
		assertThat(SessionCommand.of(command(CommandType.EXEC, null))).isEqualTo(SessionCommand.END_TRANSACTION);
		assertThat(SessionCommand.of(command(CommandType.DISCARD, null))).isEqualTo(SessionCommand.END_TRANSACTION);
		assertThat(SessionCommand.of(command(CommandType.SELECT, new CommandArgs<>(StringCodec.UTF8).add(1))))
			.isEqualTo(SessionCommand.SELECT);
	}

	@Test
	void sessionChangesThatAreNotUndoneAreUnresettable() {
		assertThat(SessionCommand.of(command(CommandType.CLIENT,
				new CommandArgs<>(StringCodec.UTF8).add(CommandKeyword.SETNAME).addValue("mine"))))
			.isEqualTo(SessionCommand.UNRESETTABLE);
		assertThat(SessionCommand.of(command(CommandType.HELLO, new CommandArgs<>(StringCodec.UTF8).add(3))))
			.isEqualTo(SessionCommand.UNRESETTABLE);
		assertThat(SessionCommand.of(command(CommandType.SUBSCRIBE, keys("news")))).isEqualTo(SessionCommand.UNRESETTABLE);
		assertThat(SessionCommand.of(command(CommandType.READONLY, null))).isEqualTo(SessionCommand.UNRESETTABLE);
	}

	@Test
	void rawClientSubcommandSentAsKeysIsRecognised() {
		// Spring Data Redis's execute("CLIENT", "REPLY".getBytes(), "OFF".getBytes()) sends its arguments as keys.
		CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKeys("reply".getBytes(),
				"OFF".getBytes());
		assertThat(SessionCommand.of(new Command<>(CommandType.CLIENT, null, args))).isEqualTo(SessionCommand.UNRESETTABLE);
	}

	@Test
	void onlyPlainCommandsKeepTheSessionAsItWas() {
		assertThat(SessionCommand.NONE.changesSession()).isFalse();
		assertThat(SessionCommand.SELECT.changesSession()).isTrue();
		assertThat(SessionCommand.END_TRANSACTION.changesSession()).isTrue();
	}

	private static CommandArgs<String, String> keys(String... keys) {
		return new CommandArgs<>(StringCodec.UTF8).addKeys(keys);
	}

	private static Command<String, String, String> command(CommandType type, CommandArgs<String, String> args) {
		return new Command<>(type, null, args);
	}

}
