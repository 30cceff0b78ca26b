package io.gdnode.pool;

/**
 * A Redis server a pool talks to, as reported in the statistics.
 *
 * @param address {@code host:port}
 * @param role {@code standalone}, {@code master}, {@code replica}, {@code sentinel}, or {@code seed} for a cluster
 * node whose role is not known yet
 */
public record PoolNode(String address, String role) {

}
