package io.gdnode.pool.actuate;

import io.gdnode.pool.registry.PoolStats;
import io.gdnode.pool.registry.RegistryStats;
import io.gdnode.pool.registry.SharedPoolRegistry;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@link Endpoint @Endpoint} that reports the open Redis pools: {@code GET /actuator/redispools}
 * for all, {@code GET /actuator/redispools/{name}} for one (404 when no open pool has that name).
 */
@Endpoint(id = "redispools")
public class RedisPoolsEndpoint {

	private final SharedPoolRegistry registry;

	public RedisPoolsEndpoint(SharedPoolRegistry registry) {
		this.registry = registry;
	}

	@ReadOperation
	public RegistryStats pools() {
		return this.registry.getPoolStats();
	}

	@ReadOperation
	public PoolStats pool(@Selector String name) {
		return this.registry.getPoolStats(name);
	}

}
