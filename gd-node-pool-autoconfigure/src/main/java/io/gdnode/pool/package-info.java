/**
 * The vocabulary of gd-node-pool: what a pool is asked for ({@link io.gdnode.pool.PoolDefinition},
 * its role, type, topology and connection settings), where it connects ({@link io.gdnode.pool.Endpoint}),
 * what it reports ({@link io.gdnode.pool.PoolStats}) and the exceptions its callers see. Plain values:
 * no configuration property names, no JSON shapes.
 */
package io.gdnode.pool;
