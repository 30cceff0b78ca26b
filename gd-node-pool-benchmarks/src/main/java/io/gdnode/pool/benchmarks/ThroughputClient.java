package io.gdnode.pool.benchmarks;

import java.util.concurrent.CompletionStage;

import reactor.core.publisher.Mono;

/**
 * One way of sending the throughput workloads' commands to Redis: a template, a raw Lettuce
 * connection, a raw commons-pool2 pool, a reactive template or an async pool. A client
 * implements the operations of the workloads it runs ({@link ClientKind#workloads()}).
 */
interface ThroughputClient extends AutoCloseable {

	default void set(String key, String value) throws Exception {
		throw unsupported();
	}

	default String get(String key) throws Exception {
		throw unsupported();
	}

	/**
	 * MULTI, INCR, SET, EXEC: the transaction needs a connection of its own while it lasts.
	 */
	default void transaction(String key, String value) throws Exception {
		throw unsupported();
	}

	/**
	 * LPUSH a value, then BLPOP it: the blocking pop needs a connection of its own.
	 */
	default String pushAndBlockingPop(String key, String value) throws Exception {
		throw unsupported();
	}

	/**
	 * SET the value, or GET the key when the value is {@code null}, through a reactive API.
	 */
	default Mono<?> reactiveSetOrGet(String key, String valueOrNull) {
		throw unsupported();
	}

	/**
	 * SET the value, or GET the key when the value is {@code null}, through an async API.
	 */
	default CompletionStage<?> asyncSetOrGet(String key, String valueOrNull) {
		throw unsupported();
	}

	private UnsupportedOperationException unsupported() {
		return new UnsupportedOperationException(getClass().getSimpleName() + " does not run this workload");
	}

}
