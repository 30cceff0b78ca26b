package io.gdnode.pool.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolView;

/**
 * Checks the pools of every role at once, so that a health request takes one check's time
 * however many roles it reports, and whatever Redis does: Spring Boot asks the roles one after
 * another, and the first to ask starts a round of checks of all of them, which the others then
 * read. A role that has read the current round starts the next one, so every health request sees
 * answers taken after it began, and a Redis that resumes is reported up by the next request.
 * <p>
 * A check of a pool of replicas, Sentinel or Cluster opens a connection to each of its servers,
 * so its success is reused for {@link #TOPOLOGY_ANSWER_REUSE} rather than checked on every
 * request; a failure is checked again on the next request, so that a recovery shows at once.
 */
public final class RedisPoolProbes {

	/** How long a success of a pool of replicas, Sentinel or Cluster is reused: one probe period of Kubernetes. */
	public static final Duration TOPOLOGY_ANSWER_REUSE = Duration.ofSeconds(10);

	/**
	 * How long a role waits past the check timeout before it gives up on its check: the check's
	 * own timer may fire late on a loaded machine. The whole request stays within the timeout plus
	 * a second.
	 */
	static final Duration GRACE = Duration.ofMillis(250);

	/** How long a round stays readable after it started, by the roles that have not read it. */
	private final long roundNanos;

	private final Duration timeout;

	private final List<PoolView> pools;

	private final Map<PoolView, Check> topologyChecks = new LinkedHashMap<>();

	private Round round;

	/**
	 * Create the checks of the given pools.
	 * @param pools the pools, one per role
	 * @param timeout the most one check may take
	 */
	public RedisPoolProbes(Collection<PoolView> pools, Duration timeout) {
		this.pools = new ArrayList<>(pools);
		this.timeout = timeout;
		this.roundNanos = timeout.plusSeconds(1).toNanos();
	}

	/**
	 * Return the check timeout.
	 * @return the most one check may take
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * Wait for the pool's answer in the current round, starting a round when the pool has read
	 * the current one or it is too old; never longer than the timeout plus {@link #GRACE} from
	 * the start of the round.
	 * @param pool the pool
	 * @return how long Redis took to answer
	 * @throws Exception the check's failure, or a {@link TimeoutException} when it did not end in time
	 */
	Duration await(PoolView pool) throws Exception {
		Check check = check(pool);
		long remaining = check.startNanos + this.timeout.plus(GRACE).toNanos() - System.nanoTime();
		try {
			return check.answer.get(Math.max(remaining, 0), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	private synchronized Check check(PoolView pool) {
		long now = System.nanoTime();
		if (!this.pools.contains(pool)) {
			this.pools.add(pool);
		}
		Round current = this.round;
		if (current == null || now - current.startNanos > this.roundNanos || !current.checks.containsKey(pool)
				|| !current.read.add(pool)) {
			current = new Round(now);
			for (PoolView each : this.pools) {
				current.checks.put(each, start(each, now));
			}
			current.read.add(pool);
			this.round = current;
		}
		return current.checks.get(pool);
	}

	private Check start(PoolView pool, long now) {
		if (pool.getDefinition().topology().kind() == PoolTopology.Kind.STANDALONE) {
			return new Check(now, pool.pingAsync(this.timeout));
		}
		Check last = this.topologyChecks.get(pool);
		if (last != null && now - last.startNanos < TOPOLOGY_ANSWER_REUSE.toNanos()
				&& (!last.answer.isDone() || !last.answer.isCompletedExceptionally())) {
			// A check under way, or a recent success; a failure is checked again, so that recovery shows at once.
			return last;
		}
		Check check = new Check(now, pool.pingAsync(this.timeout));
		this.topologyChecks.put(pool, check);
		return check;
	}

	private record Check(long startNanos, CompletableFuture<Duration> answer) {
	}

	private static final class Round {

		private final long startNanos;

		private final Map<PoolView, Check> checks = new LinkedHashMap<>();

		private final Set<PoolView> read = new HashSet<>();

		Round(long startNanos) {
			this.startNanos = startNanos;
		}

	}

}
