package io.gdnode.pool.registry;

import java.util.Locale;
import java.util.concurrent.TimeoutException;

import io.gdnode.pool.connect.ConnectFailure;
import io.lettuce.core.RedisCommandTimeoutException;

/**
 * A pool's health check failed, with what actually happened: a refused connection is not a
 * timeout, and a wrong password is neither.
 */
public class PingFailure extends IllegalStateException {

	/**
	 * What happened to a health check.
	 */
	public enum Reason {

		/** Nothing listens at the address: the connection was refused at once. */
		REFUSED("refused"),

		/** Redis did not answer within the check's time: paused, overloaded or cut off. */
		TIMED_OUT("timed out"),

		/** Redis answered, but refused the user or password. */
		AUTHENTICATION_FAILED("authentication failed"),

		/** Redis answered that it is a read-only replica. */
		READONLY("read-only replica"),

		/** Anything else, such as a TLS failure; the message says what. */
		FAILED("failed");

		private final String description;

		Reason(String description) {
			this.description = description;
		}

		/**
		 * Return the reason as health details show it.
		 * @return for example {@code refused}
		 */
		public String description() {
			return this.description;
		}

	}

	private final Reason reason;

	PingFailure(String message, Reason reason, Throwable cause) {
		super(message, cause);
		this.reason = reason;
	}

	/**
	 * Return what happened.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Classify why a health check failed.
	 */
	static Reason reasonOf(Throwable failure) {
		if (ConnectFailure.refused(failure)) {
			return Reason.REFUSED;
		}
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			String message = String.valueOf(cause.getMessage()).toUpperCase(Locale.ROOT);
			if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")
					|| message.contains("INVALID USERNAME-PASSWORD")) {
				return Reason.AUTHENTICATION_FAILED;
			}
			if (message.startsWith("READONLY")) {
				return Reason.READONLY;
			}
		}
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof TimeoutException || cause instanceof RedisCommandTimeoutException
					|| cause instanceof io.netty.channel.ConnectTimeoutException) {
				return Reason.TIMED_OUT;
			}
		}
		return Reason.FAILED;
	}

}
