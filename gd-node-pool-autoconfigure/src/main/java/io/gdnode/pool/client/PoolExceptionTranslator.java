package io.gdnode.pool.client;

import java.util.Locale;

import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolView;
import io.gdnode.pool.SharedConnectionStateException;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;

/**
 * Rewrites the message of a Spring Data Redis exception so that it names the pool and the
 * endpoint it came from, keeping its type and cause: "Redis command timed out" alone does not say
 * which of an application's Redis servers timed out. A write refused with {@code READONLY} says
 * plainly that the server has become a replica.
 */
final class PoolExceptionTranslator {

	private static final String READONLY = "READONLY";

	/** Lettuce's words for a command rejected while its connection is down. */
	private static final String NOT_CONNECTED = "Currently not connected";

	private final PoolView pool;

	PoolExceptionTranslator(PoolView pool) {
		this.pool = pool;
	}

	/**
	 * Return the exception with a message that names the pool and endpoint, of the same type, or
	 * the exception itself when its type is not one Spring Data Redis's Lettuce support produces.
	 * @param ex the translated exception, may be {@code null}
	 * @return the exception to throw, {@code null} when {@code ex} is
	 */
	DataAccessException translate(DataAccessException ex) {
		if (ex == null || (ex.getMessage() != null && ex.getMessage().startsWith("Redis pool '"))) {
			return ex;
		}
		SharedConnectionStateException refused = refusal(ex);
		if (refused != null) {
			// As Spring Data Redis refuses select() on a shared connection.
			return new InvalidDataAccessApiUsageException(prefix() + ": " + refused.getMessage(), refused);
		}
		String message = message(ex);
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		Class<?> type = ex.getClass();
		if (type == RedisSystemException.class) {
			return new RedisSystemException(message, cause);
		}
		if (type == QueryTimeoutException.class) {
			return new QueryTimeoutException(message, cause);
		}
		if (type == RedisConnectionFailureException.class) {
			return new RedisConnectionFailureException(message, cause);
		}
		if (type == InvalidDataAccessApiUsageException.class) {
			return new InvalidDataAccessApiUsageException(message, cause);
		}
		return ex;
	}

	private static SharedConnectionStateException refusal(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof SharedConnectionStateException refused) {
				return refused;
			}
		}
		return null;
	}

	private String prefix() {
		return "Redis pool '" + this.pool.getName() + "' (" + this.pool.getEndpoint().url() + ")";
	}

	private String message(DataAccessException ex) {
		String reason = reason(ex);
		if (reason.startsWith(READONLY)) {
			String role = this.pool.getDefinition().role().id();
			return prefix() + " refused the write: the server is now a replica, so the write was not applied ("
					+ reason + "). Without Sentinel the starter does not follow a promotion: point REDIS_"
					+ role.toUpperCase(Locale.ROOT) + "_URL (redis." + role + ".url) at the new master";
		}
		if (reason.startsWith(NOT_CONNECTED)) {
			boolean replicasOnly = this.pool.getDefinition().topology().reads() == PoolTopology.Reads.REPLICAS;
			return prefix() + (replicasOnly
					? ": no replica is reachable, and redis.slave.fallback=none keeps reads off the master ("
					: ": not connected, Redis is unreachable; commands fail at once until a reconnect succeeds (")
					+ reason + ")";
		}
		String springMessage = ex.getMessage();
		// The registry's own messages name the pool and endpoint already.
		if (reason.startsWith("Redis pool '")) {
			return reason;
		}
		return prefix() + ": " + springMessage + (reason.equals(springMessage) ? "" : ": " + reason);
	}

	/**
	 * Return the most telling message in the cause chain: the registry's own, or else the innermost.
	 */
	private static String reason(Throwable ex) {
		String innermost = ex.getMessage();
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			String message = cause.getMessage();
			if (message == null) {
				continue;
			}
			if (message.startsWith("Redis pool '") || message.startsWith(READONLY) || message.startsWith(NOT_CONNECTED)) {
				return message;
			}
			innermost = message;
		}
		return (innermost != null) ? innermost : ex.getClass().getSimpleName();
	}

}
