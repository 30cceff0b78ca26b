package io.gdnode.pool.registry;

import java.util.concurrent.atomic.LongAdder;

/**
 * Lifetime counters of a {@link SharedPool}, kept across its generations.
 */
final class PoolCounters {

	final LongAdder created = new LongAdder();

	final LongAdder destroyed = new LongAdder();

	final LongAdder borrowed = new LongAdder();

}
