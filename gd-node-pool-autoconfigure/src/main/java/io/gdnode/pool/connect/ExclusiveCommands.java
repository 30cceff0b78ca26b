package io.gdnode.pool.connect;

import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.protocol.RedisCommand;

/**
 * Tells which commands cannot run on a connection that other callers use at the same time:
 * those that change its Redis session (MULTI, WATCH, SELECT, CLIENT SETNAME, AUTH, RESET, ...)
 * and those that may block it on the server (BLPOP, XREAD BLOCK, WAIT, ...).
 */
public final class ExclusiveCommands {

	private ExclusiveCommands() {
	}

	/**
	 * Return whether a command needs a connection of its own.
	 * @param command the command
	 * @return whether it changes the session or may block
	 */
	public static boolean needsExclusive(RedisCommand<?, ?, ?> command) {
		return SessionCommand.of(command).changesSession() || BlockingTimeoutSource.blocks(command);
	}

	/**
	 * Return whether a raw command, as Lettuce's {@code dispatch(...)} takes it, needs a connection
	 * of its own.
	 * @param type the command
	 * @param arguments its arguments, or {@code null}
	 * @return whether it changes the session or may block
	 */
	public static boolean needsExclusive(ProtocolKeyword type, CommandArgs<?, ?> arguments) {
		return needsExclusive(new Command<>(type, null, arguments));
	}

}
