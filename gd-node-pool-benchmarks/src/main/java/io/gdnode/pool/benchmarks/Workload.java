package io.gdnode.pool.benchmarks;

/**
 * What the caller threads of a throughput run do. Every thread has keys of its own, so a BLPOP
 * always finds the value its thread pushed.
 */
enum Workload {

	/** SET and GET in turn: plain commands, which multiplexed clients send on a shared connection. */
	GET_SET("GET/SET"),

	/** A MULTI/INCR/SET/EXEC transaction: needs a dedicated connection. */
	MULTI_EXEC("MULTI/EXEC"),

	/** LPUSH then BLPOP: the blocking pop needs a dedicated connection. */
	BLPOP("LPUSH+BLPOP");

	/** 16 bytes, as {@code redis-benchmark -d 16} sends. */
	static final String VALUE = "0123456789abcdef";

	private final String label;

	Workload(String label) {
		this.label = label;
	}

	String label() {
		return this.label;
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
		}
	}

}
