package io.gdnode.pool.actuate;

import java.time.Duration;

import io.gdnode.pool.PoolStats;
import io.gdnode.pool.PoolView;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of one role's pool: a PING within a bound that never counts as use and never opens a
 * closed pool (a closed pool is checked through a connection opened for the check alone), with
 * the pool's topology and the servers it talks to in the details. An unreachable required role
 * is {@code DOWN}; an unreachable optional one is {@code DEGRADED}, which shows in the details
 * but leaves the application's status alone.
 */
public class RolePoolHealthIndicator implements HealthIndicator {

	/** Status of an optional role that does not answer; not one the default aggregation counts. */
	public static final Status DEGRADED = new Status("DEGRADED", "Unreachable, but not required");

	private final PoolView pool;

	private final Duration timeout;

	private final boolean required;

	public RolePoolHealthIndicator(PoolView pool, Duration timeout, boolean required) {
		this.pool = pool;
		this.timeout = timeout;
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
			Duration latency = this.pool.ping(this.timeout);
			return builder.up().withDetail("latency_ms", latency.toMillis()).build();
		}
		catch (RuntimeException ex) {
			return builder.status(this.required ? Status.DOWN : DEGRADED)
				.withDetail("required", this.required)
				.withDetail("error", ex.getMessage())
				.build();
		}
	}

}
