package io.gdnode.pool;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The open pools of a registry, by name in name order.
 *
 * @param totalPools how many pools are open
 * @param pools the statistics of each open pool
 */
public record RegistryStats(@JsonProperty("total_pools") int totalPools, Map<String, PoolStats> pools) {

}
