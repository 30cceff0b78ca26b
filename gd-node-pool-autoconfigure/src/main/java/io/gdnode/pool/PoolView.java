package io.gdnode.pool;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What an application may see and do with one of its pools, in the spirit of HikariCP's
 * {@code HikariPoolMXBean}: read its statistics, close its idle connections, close it when nobody
 * uses it. Lending connections stays with the beans built on the pool.
 */
public interface PoolView {

	/**
	 * Return the name the pool is reported under.
	 * @return for example {@code master}
	 */
	String getName();

	/**
	 * Return what the pool was created from: the definition of its first client.
	 * @return the definition
	 */
	PoolDefinition getDefinition();

	/**
	 * Return where the pool connects, without a password.
	 * @return the endpoint
	 */
	default Endpoint getEndpoint() {
		return getDefinition().endpoint();
	}

	/**
	 * Read the pool's live statistics.
	 * @return the statistics; zeros for a pool that is not open
	 */
	PoolStats getStats();

	/**
	 * Close the idle dedicated connections now, as HikariCP soft-evicts: those in use and the
	 * shared connection stay.
	 * @return how many connections were closed
	 */
	int softEvictConnections();

	/**
	 * Check that Redis answers within the given time, without counting as use of the pool.
	 * @param timeout the most the check may take
	 * @return how long Redis took to answer
	 * @throws RuntimeException when Redis did not answer in time, saying why
	 */
	Duration ping(Duration timeout);

	/**
	 * Like {@link #ping}, without blocking, so that many pools can be checked at once.
	 * @param timeout the most the check may take
	 * @return how long Redis took to answer; completes within the timeout, failed when Redis did
	 * not answer, saying why
	 */
	CompletableFuture<Duration> pingAsync(Duration timeout);

	/**
	 * Close the pool now if nobody uses it (no lease, no connection lent, no caller waiting), as
	 * the idle cleanup would; the next use opens it again.
	 * @return whether it was closed
	 */
	boolean closeIfUnused();

}
