package io.gdnode.pool.registry;

import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.api.StatefulConnection;

/**
 * One open life of a {@link SharedPool}: created on first use, closed by the idle cleanup, and
 * followed by a new generation on the next use.
 * <p>
 * Every use holds a lease. Closing reserves the generation by swapping a lease count of zero for
 * {@code CLOSED} in one atomic step, so a caller either got its lease before (and the generation
 * stays open) or sees it closed and opens the next one: nobody is ever handed a closed pool.
 */
abstract class PoolGeneration {

	private static final int CLOSED = Integer.MIN_VALUE;

	private final AtomicInteger leases = new AtomicInteger();

	private volatile long lastUsedNanos = System.nanoTime();

	final PoolCounters counters;

	PoolGeneration(PoolCounters counters) {
		this.counters = counters;
	}

	final boolean tryAcquire() {
		int current;
		do {
			current = this.leases.get();
			if (current == CLOSED) {
				return false;
			}
		}
		while (!this.leases.compareAndSet(current, current + 1));
		return true;
	}

	final void release() {
		this.lastUsedNanos = System.nanoTime();
		this.leases.decrementAndGet();
	}

	/**
	 * Release a lease without counting it as use, for health probes.
	 */
	final void releaseQuietly() {
		this.leases.decrementAndGet();
	}

	final int leases() {
		return Math.max(this.leases.get(), 0);
	}

	final boolean isClosed() {
		return this.leases.get() == CLOSED;
	}

	/**
	 * Return how long nobody has used this generation, zero while it is in use.
	 */
	final long idleNanos() {
		return (leases() > 0) ? 0 : System.nanoTime() - this.lastUsedNanos;
	}

	/**
	 * Reserve this generation for closing if nobody holds a lease and it sat idle long enough.
	 * @return whether the caller now owns the closing
	 */
	final boolean reserveIfIdle(long idleTimeoutNanos) {
		if (this.leases.get() != 0 || active() > 0 || waiting() > 0 || idleNanos() < idleTimeoutNanos) {
			return false;
		}
		return this.leases.compareAndSet(0, CLOSED);
	}

	/**
	 * Reserve this generation for closing whatever its state: the pool's last client has gone.
	 */
	final void reserve() {
		this.leases.set(CLOSED);
	}

	/**
	 * Return the shared connection if it is open, without opening it; {@code null} for kinds that have none.
	 */
	abstract StatefulConnection<?, ?> openSharedConnection();

	abstract int active();

	abstract int idle();

	abstract int waiting();

	/**
	 * Return all connections this generation has open, dedicated and shared.
	 */
	abstract int connections();

	/**
	 * Close the idle dedicated connections now; those in use stay.
	 * @return how many were closed
	 */
	abstract int evictIdle();

	abstract void close();

}
