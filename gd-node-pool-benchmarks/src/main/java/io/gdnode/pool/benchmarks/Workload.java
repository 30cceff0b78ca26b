package io.gdnode.pool.benchmarks;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the callers of a throughput run do. The blocking workloads run on caller threads, every
 * thread with keys of its own, so that a BLPOP always finds the value its thread pushed; the
 * non-blocking ones keep a number of operations in flight from one caller.
 */
enum Workload {

	/** SET and GET in turn: plain commands, which multiplexed clients send on a shared connection. */
	GET_SET("GET/SET", false),

	/** A MULTI/INCR/SET/EXEC transaction: needs a dedicated connection. */
	MULTI_EXEC("MULTI/EXEC", false),

	/** LPUSH then BLPOP: the blocking pop needs a dedicated connection. */
	BLPOP("LPUSH+BLPOP", false),

	/** SET or GET, half each, on {@link #KEYS} keys, through a {@code ReactiveStringRedisTemplate} in {@code flatMap}. */
	REACTIVE_GET_SET("reactive GET/SET", true),

	/** SET or GET, half each, on {@link #KEYS} keys, through an async API, one caller keeping them in flight. */
	ASYNC_GET_SET("async GET/SET", true);

	/** 16 bytes, as {@code redis-benchmark -d 16} sends. */
	static final String VALUE = "0123456789abcdef";

	/** Keys of the non-blocking workloads, picked at random. */
	static final int KEYS = 1_000;

	private final String label;

	private final boolean inFlight;

	Workload(String label, boolean inFlight) {
		this.label = label;
		this.inFlight = inFlight;
	}

	String label() {
		return this.label;
	}

	/**
	 * Return whether the workload's points are operations in flight from one caller rather than
	 * caller threads.
	 */
	boolean inFlight() {
		return this.inFlight;
	}

	/**
	 * Return how a point of this workload reads: {@code 16 threads} or {@code 16 in flight}.
	 */
	String point(int concurrency) {
		return concurrency + (this.inFlight ? " in flight" : " thread" + ((concurrency == 1) ? "" : "s"));
	}

	void run(ThroughputClient client, int thread, long sequence) throws Exception {
		String key = "bench:" + name().toLowerCase() + ":" + thread;
		switch (this) {
			case GET_SET -> {
				if (sequence % 2 == 0) {
					client.set(key, VALUE);
				}
				else {
					client.get(key);
				}
			}
			case MULTI_EXEC -> client.transaction(key, VALUE);
			case BLPOP -> client.pushAndBlockingPop(key, VALUE);
			default -> throw new IllegalStateException(this + " keeps operations in flight; it has no caller threads");
		}
	}

	/**
	 * Run a non-blocking workload: the reactive one as {@code flatMap(operation, inFlight)}, the
	 * async one from one thread that starts an operation whenever one of its {@code inFlight} has
	 * completed.
	 */
	LoadDriver.Result run(ThroughputClient client, int inFlight, Duration warmup, Duration measure)
			throws InterruptedException {
		return switch (this) {
			case REACTIVE_GET_SET -> InFlightDriver.flatMap(inFlight, warmup, measure,
					() -> client.reactiveSetOrGet(randomKey(), randomValueOrNull()));
			case ASYNC_GET_SET -> InFlightDriver.oneCaller(inFlight, warmup, measure,
					() -> client.asyncSetOrGet(randomKey(), randomValueOrNull()));
			default -> throw new IllegalStateException(this + " runs on caller threads");
		};
	}

	private String randomKey() {
		return "bench:" + name().toLowerCase() + ":" + ThreadLocalRandom.current().nextInt(KEYS);
	}

	/**
	 * Return the value to SET, or {@code null} for a GET: half each.
	 */
	private static String randomValueOrNull() {
		return ThreadLocalRandom.current().nextBoolean() ? VALUE : null;
	}

}
