/**
 * The pool lifecycle: the {@link io.gdnode.pool.registry.SharedPoolRegistry} that shares one pool
 * between every client asking for the same thing, the pools and their generations (opened on first
 * use, closed when idle, never while leased), leases, leak detection, the socketless transaction
 * connections that write MULTI ... EXEC blocks on one shared lane, and the socketless reactive
 * connections (one Redis or a Redis Cluster) that write Spring Data Redis's reactive commands on a
 * pool's own connections.
 */
package io.gdnode.pool.registry;
