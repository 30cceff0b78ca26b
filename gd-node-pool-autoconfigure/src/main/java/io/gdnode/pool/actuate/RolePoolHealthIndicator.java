package io.gdnode.pool.actuate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.gdnode.pool.PoolStats;
import io.gdnode.pool.PoolView;
import io.gdnode.pool.registry.PingFailure;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of one role's pool: a PING within a bound that never counts as use and never opens a
 * closed pool (a closed pool is checked through a connection opened for the check alone and closed
 * after it), with the pool's topology and the servers it talks to in the details, and on failure
 * what happened ({@code refused}, {@code timed out}, {@code authentication failed},
 * {@code read-only replica}). The roles of one application are checked at once through
 * {@link RedisPoolProbes}. An unreachable required role is {@code DOWN}; an unreachable optional
 * one is {@code DEGRADED}, which shows in the details but leaves the application's status alone.
 */
public class RolePoolHealthIndicator implements HealthIndicator {

	/** Status of an optional role that does not answer; not one the default aggregation counts. */
	public static final Status DEGRADED = new Status("DEGRADED", "Unreachable, but not required");

	private final PoolView pool;

	private final RedisPoolProbes probes;

	private final boolean required;

	/**
	 * Create the health of a pool checked on its own.
	 * @param pool the pool
	 * @param timeout the most a check may take
	 * @param required whether the application is down when the pool does not answer
	 */
	public RolePoolHealthIndicator(PoolView pool, Duration timeout, boolean required) {
		this(pool, new RedisPoolProbes(List.of(pool), timeout), required);
	}

	/**
	 * Create the health of a pool checked together with the others of {@code probes}.
	 * @param pool the pool
	 * @param probes the checks of every role
	 * @param required whether the application is down when the pool does not answer
	 */
	public RolePoolHealthIndicator(PoolView pool, RedisPoolProbes probes, boolean required) {
		this.pool = pool;
		this.probes = probes;
		this.required = required;
	}

	@Override
	public Health health() {
		PoolStats stats = this.pool.getStats();
		Health.Builder builder = new Health.Builder().withDetail("pool", this.pool.getName())
			.withDetail("endpoint", stats.endpoint())
			.withDetail("topology", stats.topology())
			.withDetail("nodes", stats.nodes())
			.withDetail("open", stats.connections() > 0);
		try {
			Duration latency = this.probes.await(this.pool);
			return builder.up().withDetail("latency_ms", latency.toMillis()).build();
		}
		catch (PingFailure ex) {
			return unreachable(builder, ex.getReason().description(), ex.getMessage());
		}
		catch (TimeoutException ex) {
			return unreachable(builder, PingFailure.Reason.TIMED_OUT.description(), this.pool.getName() + " ("
					+ this.pool.getEndpoint().url() + ") did not answer PING within " + this.probes.getTimeout());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return unreachable(builder, "interrupted", ex.toString());
		}
		catch (Exception ex) {
			return unreachable(builder, PingFailure.Reason.FAILED.description(), ex.toString());
		}
	}

	private Health unreachable(Health.Builder builder, String failure, String error) {
		return builder.status(this.required ? Status.DOWN : DEGRADED)
			.withDetail("required", this.required)
			.withDetail("failure", failure)
			.withDetail("error", error)
			.build();
	}

}
