package io.gdnode.pool.connect;

import io.lettuce.core.protocol.RedisCommand;

/**
 * The arguments of a command as text, for the few commands whose meaning to a pool hangs on an
 * argument (a CLIENT subcommand, a block time). Read only for those: it renders every argument.
 */
final class CommandArguments {

	private static final String[] NONE = {};

	private CommandArguments() {
	}

	/**
	 * Return the arguments, a key {@code key<3>} (as Spring Data Redis's {@code execute(...)} sends
	 * every argument) as its text {@code 3}.
	 */
	static String[] of(RedisCommand<?, ?, ?> command) {
		if (command.getArgs() == null) {
			return NONE;
		}
		String[] arguments = command.getArgs().toCommandString().split(" ");
		for (int i = 0; i < arguments.length; i++) {
			String argument = arguments[i];
			if (argument.startsWith("key<") && argument.endsWith(">")) {
				arguments[i] = argument.substring(4, argument.length() - 1);
			}
		}
		return arguments;
	}

}
