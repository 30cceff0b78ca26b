package io.gdnode.pool;

/**
 * A setting of a pool that bounded, or decided, what failed. Failures carry these facts rather
 * than the names of properties, which only the configuration layer knows; that layer turns them
 * into words such as "raise REDIS_TIMEOUT_COMMAND".
 */
public enum PoolLimit {

	/** How long a command may take. */
	COMMAND_TIMEOUT,

	/** How long a caller may wait for a connection of a full pool. */
	WAIT_TIMEOUT,

	/** How long opening a connection may take, handshake included. */
	CONNECT_TIMEOUT,

	/** The most dedicated connections a pool holds. */
	POOL_SIZE,

	/** Where the pool connects, with the user and password it connects as. */
	ENDPOINT,

	/** What the pool trusts when it connects over TLS. */
	TLS_TRUST,

	/** Whether reads go to the master when no replica answers. */
	REPLICA_FALLBACK

}
