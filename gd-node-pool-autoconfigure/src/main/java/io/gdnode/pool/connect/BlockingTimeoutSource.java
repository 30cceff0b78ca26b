package io.gdnode.pool.connect;

import java.time.Duration;
import java.util.Locale;

import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.CommandArgsAccessor;
import io.lettuce.core.protocol.RedisCommand;

/**
 * Times a command by the command timeout, and a blocking command (BLPOP, XREAD BLOCK, WAIT, ...)
 * by its own block time plus the command timeout: a {@code leftPop(key, 3s)} with a 1 s command
 * timeout waits its 3 s on a healthy Redis instead of failing after 1 s. A block time of zero,
 * which Redis takes as "for ever", is not timed.
 */
final class BlockingTimeoutSource extends TimeoutOptions.TimeoutSource {

	private final long commandTimeoutMillis;

	BlockingTimeoutSource(Duration commandTimeout) {
		this.commandTimeoutMillis = commandTimeout.toMillis();
	}

	@Override
	public long getTimeout(RedisCommand<?, ?, ?> command) {
		if (command == null) {
			return this.commandTimeoutMillis;
		}
		long blockMillis = blockMillis(command.getType().toString().toUpperCase(Locale.ROOT), command);
		if (blockMillis < 0) {
			return this.commandTimeoutMillis;
		}
		return (blockMillis == 0) ? 0 : blockMillis + this.commandTimeoutMillis;
	}

	/**
	 * Return whether the command may block its connection on the server.
	 */
	static boolean blocks(RedisCommand<?, ?, ?> command) {
		return switch (command.getType().toString().toUpperCase(Locale.ROOT)) {
			case "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BZPOPMIN", "BZPOPMAX", "BLMPOP", "BZMPOP", "WAIT",
					"WAITAOF" -> true;
			case "XREAD", "XREADGROUP" -> argumentAfter(command, "BLOCK") != null;
			default -> false;
		};
	}

	/**
	 * Return how long the command may block on the server, or -1 for a command that does not block
	 * (or whose block time cannot be read).
	 */
	private static long blockMillis(String type, RedisCommand<?, ?, ?> command) {
		return switch (type) {
			case "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BZPOPMIN", "BZPOPMAX", "BLMPOP", "BZMPOP" ->
				popSeconds(type, command);
			case "XREAD", "XREADGROUP" -> millis(argumentAfter(command, "BLOCK"));
			case "WAIT", "WAITAOF" -> millis(lastArgument(command));
			default -> -1;
		};
	}

	/**
	 * The block time of a pop: its only integer argument, read without rendering the keys (a pop
	 * through Lettuce's API, the hot path), or else its last argument (BLPOP ... 0.5), or for
	 * BLMPOP and BZMPOP its first.
	 */
	private static long popSeconds(String type, RedisCommand<?, ?, ?> command) {
		Long seconds = (command.getArgs() != null) ? CommandArgsAccessor.getFirstInteger(command.getArgs()) : null;
		if (seconds != null) {
			return seconds * 1000;
		}
		return seconds((type.equals("BLMPOP") || type.equals("BZMPOP")) ? argument(command, 0) : lastArgument(command));
	}

	private static String lastArgument(RedisCommand<?, ?, ?> command) {
		String[] arguments = CommandArguments.of(command);
		return (arguments.length > 0) ? arguments[arguments.length - 1] : null;
	}

	private static String argument(RedisCommand<?, ?, ?> command, int index) {
		String[] arguments = CommandArguments.of(command);
		return (arguments.length > index) ? arguments[index] : null;
	}

	private static String argumentAfter(RedisCommand<?, ?, ?> command, String keyword) {
		String[] arguments = CommandArguments.of(command);
		for (int i = 0; i < arguments.length - 1; i++) {
			if (arguments[i].equalsIgnoreCase(keyword)) {
				return arguments[i + 1];
			}
		}
		return null;
	}

	private static long seconds(String argument) {
		try {
			return (argument != null) ? Math.round(Double.parseDouble(argument) * 1000) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static long millis(String argument) {
		try {
			return (argument != null) ? Long.parseLong(argument) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
