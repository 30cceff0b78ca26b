package io.gdnode.pool.registry;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.lettuce.core.RedisException;

/**
 * Thrown, before anything is sent, for a command that would change the Redis session of a
 * connection every caller shares (SELECT, MULTI, WATCH, CLIENT SETNAME, SUBSCRIBE, HELLO, ...).
 */
public class SharedConnectionStateException extends RedisException {

	private final String command;

	SharedConnectionStateException(String command) {
		super(command + " would change the Redis session of a connection that every caller of the pool shares;"
				+ " use the API for it (a transaction through SessionCallback, a subscription through"
				+ " RedisMessageListenerContainer, another database through another connection factory)"
				+ " or run the command inside a pipeline, whose connection is reset before its next use");
		this.command = command;
	}

	/**
	 * Refuse a raw command, before anything is sent, when it would change the Redis session of a
	 * shared connection. Pools of one Redis refuse it on the connection itself too; pools of a
	 * topology (replicas, Sentinel, Cluster) only here.
	 * @param command the command name, in any case
	 * @param arguments its arguments, as Spring Data Redis's {@code execute(...)} takes them
	 * @throws SharedConnectionStateException when it would
	 */
	public static void refuseSessionChange(String command, byte[]... arguments) {
		SessionCommand effect = SessionCommand.of(command.trim(), () -> (arguments != null && arguments.length > 0)
				? new String(arguments[0], StandardCharsets.UTF_8) : "");
		if (effect.changesSession()) {
			throw new SharedConnectionStateException(command.trim().toUpperCase(Locale.ROOT));
		}
	}

	/**
	 * Return the refused command.
	 * @return for example {@code SELECT}
	 */
	public String getCommand() {
		return this.command;
	}

}
