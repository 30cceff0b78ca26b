package io.gdnode.pool.registry;

import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.api.StatefulConnection;

/**
 * A claim on an open pool: while it is held, the pool's idle cleanup leaves the pool open.
 * Closing it more than once is harmless.
 */
public final class PoolLease implements AutoCloseable {

	private final BlockingGeneration generation;

	private final LeakDetector.Tracker leakTracker;

	private final AtomicBoolean closed = new AtomicBoolean();

	PoolLease(BlockingGeneration generation, LeakDetector.Tracker leakTracker) {
		this.generation = generation;
		this.leakTracker = leakTracker;
	}

	/**
	 * Return the pool's shared connection for plain commands, opening it on first use.
	 * @param <C> the connection type: a {@code StatefulRedisConnection}, or for a Cluster pool a
	 * {@code StatefulRedisClusterConnection}
	 * @return the shared connection, valid until this lease is closed
	 */
	@SuppressWarnings("unchecked")
	public <C extends StatefulConnection<?, ?>> C sharedConnection() {
		return (C) this.generation.sharedConnection();
	}

	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.leakTracker.close();
			this.generation.release();
		}
	}

}
