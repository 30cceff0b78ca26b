package io.gdnode.pool.connect;

import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import io.lettuce.core.protocol.RedisCommand;

/**
 * What a command does to the Redis session of the connection it is sent on, beyond its own
 * result: the state a pool must reset, or refuse on a shared connection, before anybody else
 * sends a command there.
 */
enum SessionCommand {

	/** Leaves the session as it was. */
	NONE,

	/** Starts watching keys: the next EXEC of anybody on the connection depends on them. */
	WATCH,

	/** Forgets watched keys. */
	UNWATCH,

	/** Opens a transaction: every later command of anybody on the connection is queued. */
	MULTI,

	/** Ends a transaction (EXEC or DISCARD), which also forgets watched keys. */
	END_TRANSACTION,

	/** Switches the database of every later command on the connection. */
	SELECT,

	/** Changes the session in a way a pool does not undo (name, reply mode, tracking, protocol, subscriptions, user, ...). */
	UNRESETTABLE;

	private static final Set<String> UNRESETTABLE_COMMANDS = Set.of("HELLO", "MONITOR", "SUBSCRIBE", "PSUBSCRIBE",
			"SSUBSCRIBE", "RESET", "QUIT", "AUTH", "READONLY", "READWRITE", "SYNC", "PSYNC", "REPLCONF");

	private static final Set<String> UNRESETTABLE_CLIENT_SUBCOMMANDS = Set.of("SETNAME", "REPLY", "TRACKING",
			"CACHING", "NO-EVICT", "NO-TOUCH", "SETINFO");

	/**
	 * Return what the command does to the session.
	 */
	static SessionCommand of(RedisCommand<?, ?, ?> command) {
		return of(command.getType().toString(), () -> {
			String[] arguments = CommandArguments.of(command);
			return (arguments.length > 0) ? arguments[0] : "";
		});
	}

	/**
	 * Return what a command given by name does to the session.
	 * @param name the command, in any case (raw commands and custom keywords may come in any)
	 * @param firstArgument its first argument, read only for a CLIENT subcommand
	 */
	static SessionCommand of(String name, Supplier<String> firstArgument) {
		String type = name.toUpperCase(Locale.ROOT);
		return switch (type) {
			case "WATCH" -> WATCH;
			case "UNWATCH" -> UNWATCH;
			case "MULTI" -> MULTI;
			case "EXEC", "DISCARD" -> END_TRANSACTION;
			case "SELECT" -> SELECT;
			case "CLIENT" -> UNRESETTABLE_CLIENT_SUBCOMMANDS.contains(firstArgument.get().toUpperCase(Locale.ROOT))
					? UNRESETTABLE : NONE;
			default -> UNRESETTABLE_COMMANDS.contains(type) ? UNRESETTABLE : NONE;
		};
	}

	/**
	 * Return whether the command changes the session for every later command on the connection.
	 */
	boolean changesSession() {
		return this != NONE;
	}

}
