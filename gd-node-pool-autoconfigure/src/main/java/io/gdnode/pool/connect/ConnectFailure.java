package io.gdnode.pool.connect;

import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import io.gdnode.pool.Endpoint;
import io.gdnode.pool.PoolLimit;
import io.lettuce.core.RedisCommandExecutionException;
import io.netty.channel.ConnectTimeoutException;

/**
 * Says why a pool could not connect, in words an operator can act on: which pool, where (never
 * with a password), for the usual TLS mistakes what to change, and as a fact which setting
 * decided it ({@link PoolLimit}), which the configuration layer names.
 */
public final class ConnectFailure {

	private ConnectFailure() {
	}

	/**
	 * Describe a failure to connect.
	 * @param pool the pool name
	 * @param endpoint where the pool connects, without a password
	 * @param failure what went wrong
	 * @return an exception to throw, with the failure as its cause
	 */
	static PoolConnectException describe(String pool, Endpoint endpoint, Throwable failure) {
		String location = endpoint.url();
		String prefix = "Redis pool '" + pool + "' could not connect to " + location + ": ";
		if (failure instanceof RedisCommandExecutionException) {
			// Redis refused a command of the handshake (AUTH, HELLO): its own words are the clearest.
			return new PoolConnectException(prefix + failure.getMessage(), pool, endpoint, PoolLimit.ENDPOINT, failure);
		}
		return new PoolConnectException(prefix + reason(location, failure), pool, endpoint, limit(failure), failure);
	}

	/**
	 * Return the setting that decided a failure to connect: the connect timeout when the attempt
	 * ran out of time, the trusted certificates when the server's was not trusted, else the
	 * endpoint (nothing listens there, wrong credentials, TLS on a plain port).
	 */
	private static PoolLimit limit(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof TimeoutException || cause instanceof ConnectTimeoutException) {
				return PoolLimit.CONNECT_TIMEOUT;
			}
			if (untrusted(cause)) {
				return PoolLimit.TLS_TRUST;
			}
		}
		return PoolLimit.ENDPOINT;
	}

	private static boolean untrusted(Throwable cause) {
		String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
		return cause instanceof SSLHandshakeException && (message.contains("pkix")
				|| message.contains("certification path") || message.contains("unable to find valid"));
	}

	/**
	 * Return whether the server refused the connection: nothing listens at the address.
	 * @param failure what went wrong
	 * @return whether a {@link ConnectException} other than a connect timeout is among the causes
	 */
	public static boolean refused(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof ConnectException && !(cause instanceof ConnectTimeoutException)) {
				return true;
			}
		}
		return false;
	}

	private static String reason(String location, Throwable failure) {
		boolean tls = location.startsWith("rediss");
		String specific = tlsReason(failure);
		if (specific != null) {
			return specific;
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SSLException && tls) {
				return "the TLS handshake failed: " + cause.getMessage();
			}
		}
		String cause = rootMessage(failure);
		String lower = cause.toLowerCase(Locale.ROOT);
		if (tls && failure instanceof TimeoutException) {
			return cause + ", the TLS handshake unanswered. If that port does not speak TLS, use a redis:// URL";
		}
		if (!tls && (lower.contains("connection closed") || lower.contains("connection reset"))) {
			return "the server closed the connection during the handshake (" + cause
					+ "). If that port speaks TLS, use a rediss:// URL";
		}
		return cause;
	}

	/**
	 * Return the reason for the usual TLS mistakes, or {@code null} when it is none of them.
	 */
	private static String tlsReason(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
			if (cause.getClass().getSimpleName().equals("NotSslRecordException")) {
				return "the server did not answer in TLS. Connect to its TLS port, or use redis:// for a plain port";
			}
			if (cause instanceof CertificateException && (message.contains("subject alternative")
					|| message.contains("no name matching") || message.contains("does not match"))) {
				return "the server's TLS certificate is not valid for this host name or address (" + cause.getMessage()
						+ "). Connect by a name the certificate lists, or issue a certificate for this one";
			}
			if (untrusted(cause)) {
				return "the server's TLS certificate is not trusted. Use an SSL bundle whose truststore holds the CA "
						+ "that signed it";
			}
		}
		return null;
	}

	/**
	 * Return the innermost cause: Lettuce's outer messages often say only "Unable to connect".
	 */
	public static Throwable rootCause(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	/**
	 * Return whether Lettuce lost Redis's answer to the handshake. When Redis refuses the handshake
	 * (WRONGPASS, maxclients, ...) before Lettuce's connect listener runs, which a busy machine
	 * makes likely, the listener finds the handshake handler already gone and reports only that;
	 * connecting again brings Redis's reason.
	 */
	static boolean lostHandshakeAnswer(Throwable failure) {
		Throwable root = rootCause(failure);
		return root instanceof IllegalStateException && "RedisHandshakeHandler not registered".equals(root.getMessage());
	}

	/**
	 * Return what a {@link java.util.concurrent.CompletableFuture} failed with, without its wrapper.
	 */
	public static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = rootCause(failure);
		return (root == failure) ? String.valueOf(failure.getMessage())
				: failure.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
	}

}
