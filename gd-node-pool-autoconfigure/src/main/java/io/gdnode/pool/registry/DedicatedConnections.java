package io.gdnode.pool.registry;

import io.lettuce.core.api.StatefulConnection;

/**
 * Lends the dedicated connections of an open generation to a borrower that already holds a lease
 * on it, such as a transaction connection that meets WATCH, a blocking pop or a pipeline.
 */
interface DedicatedConnections {

	/**
	 * Borrow a dedicated connection, waiting at most the pool's wait timeout.
	 * @return the connection
	 */
	StatefulConnection<?, ?> borrow();

	/**
	 * Give a borrowed connection back, reset or closed as its session requires.
	 * @param connection the connection
	 */
	void giveBack(StatefulConnection<?, ?> connection);

}
