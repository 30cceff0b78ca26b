/**
 * The pool lifecycle: the {@link io.gdnode.pool.registry.SharedPoolRegistry} that shares one pool
 * between every client asking for the same thing, the pools and their generations (opened on first
 * use, closed when idle, never while leased), leases, leak detection and the socketless transaction
 * connections that write MULTI ... EXEC blocks on one shared lane.
 */
package io.gdnode.pool.registry;
