package io.gdnode.pool;

import java.util.Map;

/**
 * The open pools of a registry, by name in name order.
 *
 * @param totalPools how many pools are open
 * @param pools the statistics of each open pool
 */
public record RegistryStats(int totalPools, Map<String, PoolStats> pools) {

}
