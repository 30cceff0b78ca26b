package io.gdnode.pool;

import java.util.Locale;

/**
 * How a pool hands out connections; reported as {@code type} in the pool statistics.
 */
public enum PoolType {

	/**
	 * A role's blocking and reactive commands: one shared, multiplexed connection for plain
	 * commands plus a bounded pool of dedicated connections for transactions, blocking commands
	 * and pipelines.
	 */
	SYNC,

	/** Non-blocking commands: a bounded pool that keeps a minimum of connections open once created. */
	ASYNC;

	/**
	 * Return the type's lower-case id, as reported in the statistics.
	 * @return the id, for example {@code sync}
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}
