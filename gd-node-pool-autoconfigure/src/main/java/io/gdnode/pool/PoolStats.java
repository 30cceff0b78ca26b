package io.gdnode.pool;

import java.util.List;

/**
 * A point-in-time reading of one pool, as returned by the registry.
 *
 * @param name the name the pool is reported under
 * @param role the role: {@code master}, {@code slave} or {@code local}; the async pool is a {@code master} pool of type {@code async}
 * @param type {@code sync} (a role's pool, for blocking and reactive use) or {@code async}
 * @param endpoint where the pool connects; never with a password
 * @param pooled whether dedicated connections are pooled
 * @param max the most dedicated connections the pool may hold
 * @param min the connections an async pool keeps open
 * @param active dedicated connections lent out now
 * @param idle dedicated connections waiting in the pool
 * @param waiting callers waiting for a connection
 * @param connections all connections the pool has open now, the shared one included
 * @param leases uses in progress; a pool with any is never closed by the cleanup
 * @param created connections opened over the pool's life
 * @param destroyed connections closed over the pool's life
 * @param borrowed dedicated connections lent over the pool's life
 * @param transactions MULTI ... EXEC blocks sent on the connection the pool's transactions share, over the pool's life
 * @param timeouts callers that got no connection within the wait timeout, over the pool's life
 * @param leaked connections reported by leak detection, over the pool's life
 * @param acquireMillis total time callers waited for a dedicated connection, over the pool's life
 * @param clients clients sharing the pool (role factories and async pools, in every application context)
 * @param idleTime seconds since the pool was last used, 0 while in use
 * @param topology {@code standalone}, {@code replicas}, {@code discovered}, {@code sentinel} or {@code cluster}
 * @param reads where reads go: {@code master}, {@code replicas-then-master} or {@code replicas}
 * @param nodes the servers the pool talks to, with their roles
 */
public record PoolStats(String name, String role, String type, String endpoint, boolean pooled, int max, int min,
		int active, int idle, int waiting, int connections, int leases, long created, long destroyed, long borrowed,
		long transactions, long timeouts, long leaked, long acquireMillis, int clients,
		long idleTime, String topology, String reads, List<PoolNode> nodes) {

}
