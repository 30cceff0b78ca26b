package io.gdnode.pool.connect;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.resource.Delay;

/**
 * Every new connection of one pool goes through here: pooled, shared, pub/sub and health probes
 * (not the probes a replica pool sends to find servers it does not know: one server that is down
 * must not hold back connections to the others). After a failed attempt the pool does not try
 * again until a backoff has passed (doubling up to the reconnect cap, reset by a success), and then
 * lets one caller alone try; callers in between get the last failure at once. That bounds the
 * attempts per second a pool makes against a Redis that refuses them (down, out of clients, wrong
 * password), however many callers ask.
 */
final class ConnectGate {

	private final Delay backoff;

	private int failures;

	private long retryAtNanos;

	private RuntimeException lastFailure;

	/** Whether the one attempt allowed after a backoff is under way. */
	private boolean probing;

	ConnectGate(Delay backoff) {
		this.backoff = backoff;
	}

	/**
	 * Connect unless the backoff holds the pool back.
	 * @param connector opens a connection; its failures already say which pool and why
	 * @return the connection, or the failure of this attempt or of the last one
	 */
	<C> CompletableFuture<C> connect(Supplier<CompletableFuture<C>> connector) {
		try {
			checkOpen();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<C> connecting;
		try {
			connecting = connector.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(failed(ex));
		}
		return connecting.handle((connection, ex) -> {
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
			throw again(" (not retried for another " + Duration.ofNanos(wait).toMillis() + " ms)");
		}
		// Many callers arriving once the backoff has passed would otherwise all try at once.
		if (this.probing) {
			throw again(" (a new attempt is under way)");
		}
		this.probing = true;
	}

	/**
	 * Return the last failure for another caller, keeping its facts (pool, endpoint, setting).
	 */
	private RedisConnectionException again(String more) {
		if (this.lastFailure instanceof PoolConnectException failure) {
			return failure.withMore(more);
		}
		return new RedisConnectionException(this.lastFailure.getMessage() + more, this.lastFailure);
	}

	private synchronized void succeeded() {
		this.failures = 0;
		this.lastFailure = null;
		this.probing = false;
	}

	private synchronized RuntimeException failed(Throwable ex) {
		Throwable cause = ConnectFailure.unwrap(ex);
		this.probing = false;
		this.failures++;
		this.retryAtNanos = System.nanoTime() + this.backoff.createDelay(this.failures).toNanos();
		this.lastFailure = (cause instanceof RuntimeException runtime) ? runtime
				: new RedisConnectionException(String.valueOf(cause.getMessage()), cause);
		return this.lastFailure;
	}

}
