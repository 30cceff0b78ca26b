package io.gdnode.pool;

import io.lettuce.core.RedisException;

/**
 * Thrown, before anything is sent, for a command that would change the Redis session of a
 * connection every caller shares (SELECT, MULTI, WATCH, CLIENT SETNAME, SUBSCRIBE, HELLO, ...).
 */
public class SharedConnectionStateException extends RedisException {

	private final String command;

	/**
	 * Create the exception for a refused command.
	 * @param command the command name, in upper case
	 */
	public SharedConnectionStateException(String command) {
		super(command + " would change the Redis session of a connection that every caller of the pool shares;"
				+ " use the API for it (a transaction through SessionCallback, a subscription through"
				+ " RedisMessageListenerContainer, another database through another connection factory)"
				+ " or run the command inside a pipeline, whose connection is reset before its next use");
		this.command = command;
	}

	/**
	 * Create the exception for a refused command, saying what to use instead.
	 * @param command the command name, in upper case
	 * @param message what was refused and what to use instead
	 */
	public SharedConnectionStateException(String command, String message) {
		super(message);
		this.command = command;
	}

	/**
	 * Return the refused command.
	 * @return for example {@code SELECT}
	 */
	public String getCommand() {
		return this.command;
	}

}
