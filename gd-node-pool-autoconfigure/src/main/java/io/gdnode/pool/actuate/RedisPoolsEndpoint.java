package io.gdnode.pool.actuate;

import java.util.List;

import io.gdnode.pool.PoolInUseException;
import io.gdnode.pool.PoolStats;
import io.gdnode.pool.registry.SharedPool;
import io.gdnode.pool.registry.SharedPoolRegistry;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@link Endpoint @Endpoint} that reports and steers the open Redis pools: {@code GET
 * /actuator/redispools} for all, {@code GET /actuator/redispools/{name}} for one (404 when no open
 * pool has that name), plus actions to run the cleanup, soft-evict and close a pool.
 */
@Endpoint(id = "redispools")
public class RedisPoolsEndpoint {

	private final SharedPoolRegistry registry;

	/**
	 * Create the endpoint.
	 * @param registry the registry to report and steer
	 */
	public RedisPoolsEndpoint(SharedPoolRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Report every open pool: {@code GET /actuator/redispools}.
	 * @return the statistics of the open pools: {@code total_pools} and {@code pools} by name
	 */
	@ReadOperation
	public Object pools() {
		return StatsJson.of(this.registry.getPoolStats());
	}

	/**
	 * Report one open pool: {@code GET /actuator/redispools/{name}}.
	 * @param name the pool name
	 * @return the pool's statistics, or {@code null} (404) when no open pool has that name
	 */
	@ReadOperation
	public Object pool(@Selector String name) {
		PoolStats stats = this.registry.getPoolStats(name);
		return (stats != null) ? StatsJson.of(stats) : null;
	}

	/**
	 * Run the idle cleanup now: {@code POST /actuator/redispools}.
	 * @return the pools it closed
	 */
	@WriteOperation
	public CleanupDescriptor cleanup() {
		return new CleanupDescriptor(this.registry.runCleanup());
	}

	/**
	 * Close the idle dedicated connections of a pool now: {@code POST /actuator/redispools/{name}/evict}.
	 * @param name the pool name
	 * @param action {@code evict}
	 * @return the pool afterwards, 404 for an unknown pool, 400 for an unknown action
	 */
	@WriteOperation
	public WebEndpointResponse<Object> poolAction(@Selector String name, @Selector String action) {
		SharedPool<?> pool = this.registry.getOpenPool(name);
		if (pool == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		if (!"evict".equals(action)) {
			return new WebEndpointResponse<>(new MessageDescriptor("Unknown action '" + action + "'; allowed: evict"),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		int evicted = pool.evictIdleConnections();
		return new WebEndpointResponse<>(new EvictionDescriptor(evicted, StatsJson.of(pool.getStats())));
	}

	/**
	 * Close a pool now, unless it is in use: {@code DELETE /actuator/redispools/{name}}. Its next
	 * use opens it again.
	 * @param name the pool name
	 * @return 204 when closed, 404 for an unknown pool, 409 with the reason while it is in use
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> close(@Selector String name) {
		SharedPool<?> pool = this.registry.getOpenPool(name);
		if (pool == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		try {
			pool.closeNow();
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NO_CONTENT);
		}
		catch (PoolInUseException ex) {
			return new WebEndpointResponse<>(new MessageDescriptor(ex.getMessage()), 409);
		}
	}

	/**
	 * What the cleanup closed.
	 * @param closed the names of the pools closed
	 */
	public record CleanupDescriptor(List<String> closed) implements OperationResponseBody {

	}

	/**
	 * What a soft eviction closed.
	 * @param evicted how many idle connections were closed
	 * @param pool the pool's statistics afterwards
	 */
	public record EvictionDescriptor(int evicted, Object pool) implements OperationResponseBody {

	}

	/**
	 * Why an action was refused.
	 * @param message the reason
	 */
	public record MessageDescriptor(String message) implements OperationResponseBody {

	}

}
