package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.resource.Delay;

/**
 * Every new connection of one pool goes through here. After a failed attempt the pool does not try
 * again until a backoff has passed (doubling up to the reconnect cap, reset by a success), and then
 * lets one caller alone try; callers in between get the last failure at once. That bounds the
 * attempts per second a pool makes
 * against a Redis that refuses them (down, out of clients, wrong password), however many callers
 * ask, and every failure names the pool and where it connects.
 */
final class ConnectGate {

	private final String pool;

	private final String location;

	private final Delay backoff;

	private int failures;

	private long retryAtNanos;

	private String lastFailure;

	/** Whether the one attempt allowed after a backoff is under way. */
	private boolean probing;

	ConnectGate(String pool, String location, Delay backoff) {
		this.pool = pool;
		this.location = location;
		this.backoff = backoff;
	}

	<C> C connect(Supplier<C> connector) {
		checkOpen();
		try {
			C connection = connector.get();
			succeeded();
			return connection;
		}
		catch (RuntimeException ex) {
			throw failed(ex);
		}
	}

	<C> CompletableFuture<C> connectAsync(Supplier<? extends CompletionStage<C>> connector) {
		try {
			checkOpen();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletionStage<C> connecting;
		try {
			connecting = connector.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(failed(ex));
		}
		return connecting.toCompletableFuture().handle((connection, ex) -> {
			if (ex != null) {
				throw failed(ex);
			}
			succeeded();
			return connection;
		});
	}

	private synchronized void checkOpen() {
		if (this.failures == 0) {
			return;
		}
		long wait = this.retryAtNanos - System.nanoTime();
		if (wait > 0) {
			throw new RedisConnectionException(this.lastFailure + " (not retried for another "
					+ Duration.ofNanos(wait).toMillis() + " ms)");
		}
		// Many callers arriving once the backoff has passed would otherwise all try at once.
		if (this.probing) {
			throw new RedisConnectionException(this.lastFailure + " (a new attempt is under way)");
		}
		this.probing = true;
	}

	private synchronized void succeeded() {
		this.failures = 0;
		this.lastFailure = null;
		this.probing = false;
	}

	private synchronized RedisConnectionException failed(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		this.probing = false;
		this.failures++;
		this.retryAtNanos = System.nanoTime() + this.backoff.createDelay(this.failures).toNanos();
		this.lastFailure = "Redis pool '" + this.pool + "' could not connect to " + this.location + ": "
				+ reason(cause);
		return new RedisConnectionException(this.lastFailure, cause);
	}

	/**
	 * Return the innermost message: Lettuce's own says only "Unable to connect to host:port".
	 */
	private static String reason(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return (message != null) ? message : root.getClass().getSimpleName();
	}

}
