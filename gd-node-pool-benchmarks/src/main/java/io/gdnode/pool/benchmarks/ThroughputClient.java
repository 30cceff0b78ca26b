package io.gdnode.pool.benchmarks;

/**
 * One way of sending the throughput workloads' commands to Redis: a template, a raw Lettuce
 * connection or a raw commons-pool2 pool.
 */
interface ThroughputClient extends AutoCloseable {

	void set(String key, String value) throws Exception;

	String get(String key) throws Exception;

	/**
	 * MULTI, INCR, SET, EXEC: the transaction needs a connection of its own while it lasts.
	 */
	void transaction(String key, String value) throws Exception;

	/**
	 * LPUSH a value, then BLPOP it: the blocking pop needs a connection of its own.
	 */
	String pushAndBlockingPop(String key, String value) throws Exception;

}
