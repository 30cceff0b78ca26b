package io.gdnode.pool.registry;

import java.util.concurrent.atomic.LongAdder;

/**
 * Lifetime counters of a {@link SharedPool}, kept across its generations.
 */
final class PoolCounters {

	final LongAdder created = new LongAdder();

	final LongAdder destroyed = new LongAdder();

	final LongAdder borrowed = new LongAdder();

	final LongAdder acquireNanos = new LongAdder();

	final LongAdder timeouts = new LongAdder();

	final LongAdder leaked = new LongAdder();

	final LongAdder transactions = new LongAdder();

	/**
	 * Count a connection lent out, and the time the caller waited for it.
	 */
	void acquired(long startNanos) {
		this.acquireNanos.add(System.nanoTime() - startNanos);
		this.borrowed.increment();
	}

}
