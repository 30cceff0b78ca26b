package io.gdnode.pool.client;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import io.gdnode.pool.PoolClosedException;
import io.gdnode.pool.PoolFailure;
import io.gdnode.pool.PoolInUseException;
import io.gdnode.pool.PoolLimit;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolView;
import io.gdnode.pool.SharedConnectionStateException;
import io.lettuce.core.RedisCommandTimeoutException;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;

/**
 * Rewrites the message of a Spring Data Redis exception so that it names the pool and the
 * endpoint it came from and, where a setting bounded the failure (a command, wait or connect
 * timeout, the pool size, the endpoint itself), the setting to change, keeping its type and
 * cause: "Redis command timed out" alone does not say which of an application's Redis servers
 * timed out, nor what to raise. A write refused with {@code READONLY} says plainly that the
 * server has become a replica. The pool's own failures are recognised by type
 * ({@link PoolFailure}), the setting names come from {@link PoolSettingNames}.
 */
final class PoolExceptionTranslator {

	private static final String READONLY = "READONLY";

	/** Lettuce's words for a command rejected while its connection is down. */
	private static final String NOT_CONNECTED = "Currently not connected";

	private final PoolView pool;

	private final PoolSettingNames settingNames;

	/** What this translator made, so that translating twice leaves it alone. */
	private final Map<DataAccessException, Boolean> translated = Collections.synchronizedMap(new WeakHashMap<>());

	PoolExceptionTranslator(PoolView pool, PoolSettingNames settingNames) {
		this.pool = pool;
		this.settingNames = settingNames;
	}

	/**
	 * Return the exception with a message that names the pool and endpoint, of the same type, or
	 * the exception itself when its type is not one Spring Data Redis's Lettuce support produces.
	 * @param ex the translated exception, may be {@code null}
	 * @return the exception to throw, {@code null} when {@code ex} is
	 */
	DataAccessException translate(DataAccessException ex) {
		if (ex == null || this.translated.containsKey(ex)) {
			return ex;
		}
		DataAccessException result = rewrite(ex);
		this.translated.put(result, Boolean.TRUE);
		return result;
	}

	private DataAccessException rewrite(DataAccessException ex) {
		SharedConnectionStateException refused = find(ex, SharedConnectionStateException.class);
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

	/**
	 * Return the first exception of the given type in the cause chain, or {@code null}.
	 */
	static <T> T find(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	private String prefix() {
		return "Redis pool '" + this.pool.getName() + "' (" + this.pool.getEndpoint().url() + ")";
	}

	private String message(DataAccessException ex) {
		// The pool's own failures name the pool and endpoint already; they lack only the setting.
		PoolFailure failure = find(ex, PoolFailure.class);
		if (failure instanceof Throwable thrown) {
			return thrown.getMessage() + advice(failure.getLimits());
		}
		Throwable lifecycle = lifecycleFailure(ex);
		if (lifecycle != null) {
			return lifecycle.getMessage();
		}
		String reason = reason(ex);
		if (reason.startsWith(READONLY)) {
			String url = name(PoolLimit.ENDPOINT);
			return prefix() + " refused the write: the server is now a replica, so the write was not applied ("
					+ reason + "). Without Sentinel the starter does not follow a promotion: point "
					+ ((url != null) ? url : "the role's URL") + " at the new master";
		}
		if (reason.startsWith(NOT_CONNECTED)) {
			return prefix() + notConnected() + reason + ")";
		}
		String springMessage = ex.getMessage();
		String message = prefix() + ": " + springMessage + (reason.equals(springMessage) ? "" : ": " + reason);
		if (find(ex, RedisCommandTimeoutException.class) != null) {
			return message + advice(List.of(PoolLimit.COMMAND_TIMEOUT));
		}
		return message;
	}

	private String notConnected() {
		if (this.pool.getDefinition().topology().reads() != PoolTopology.Reads.REPLICAS) {
			return ": not connected, Redis is unreachable; commands fail at once until a reconnect succeeds (";
		}
		String fallback = name(PoolLimit.REPLICA_FALLBACK);
		return ": no replica is reachable, and reads stay off the master as "
				+ ((fallback != null) ? fallback : "the slave fallback") + " is none (";
	}

	private static Throwable lifecycleFailure(Throwable ex) {
		Throwable closed = find(ex, PoolClosedException.class);
		return (closed != null) ? closed : find(ex, PoolInUseException.class);
	}

	private String advice(List<PoolLimit> limits) {
		return SettingAdvice.advice(this.settingNames, this.pool.getDefinition(), limits);
	}

	private String name(PoolLimit limit) {
		return this.settingNames.name(this.pool.getDefinition(), limit);
	}

	/**
	 * Return the most telling message in the cause chain: Redis's own refusal, Lettuce's "not
	 * connected", or else the innermost.
	 */
	private static String reason(Throwable ex) {
		String innermost = ex.getMessage();
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			String message = cause.getMessage();
			if (message == null) {
				continue;
			}
			if (message.startsWith(READONLY) || message.startsWith(NOT_CONNECTED)) {
				return message;
			}
			innermost = message;
		}
		return (innermost != null) ? innermost : ex.getClass().getSimpleName();
	}

}
