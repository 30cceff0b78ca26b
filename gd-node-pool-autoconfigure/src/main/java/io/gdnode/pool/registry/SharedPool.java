package io.gdnode.pool.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.gdnode.pool.Endpoint;
import io.gdnode.pool.PoolClosedException;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolInUseException;
import io.gdnode.pool.PoolRole;
import io.gdnode.pool.PoolStats;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolView;
import io.gdnode.pool.connect.ConnectFailure;
import io.gdnode.pool.connect.ConnectionOpener;
import io.gdnode.pool.connect.LettuceOptions;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;

/**
 * A pool shared by every client that asks for the same {@link PoolKey}, of one of two kinds:
 * {@link BlockingPool} (a shared connection plus dedicated ones lent to one caller at a time) or
 * {@link AsyncPool} (connections acquired without blocking). It opens nothing until first use,
 * closes when idle for the registry's timeout, opens again on the next use, and closes for good
 * when its last client detaches.
 * <p>
 * Clients hold a lease on the open {@link PoolGeneration} for every use; a pool with a lease is
 * never closed by the idle cleanup.
 * @param <G> the kind of generation the pool opens
 */
public abstract sealed class SharedPool<G extends PoolGeneration> implements PoolView permits BlockingPool, AsyncPool {

	final PoolKey key;

	final PoolDefinition definition;

	final String name;

	final ClientResources resources;

	/** The options of every connection of the pool, the socketless transaction connections included. */
	final ClientOptions clientOptions;

	final ConnectionOpener opener;

	final RedisURI uri;

	final PoolCounters counters = new PoolCounters();

	final LeakDetector leakDetector;

	/** Leak trackers of lent connections, only while leak detection is on. */
	private final Map<StatefulConnection<?, ?>, LeakDetector.Tracker> lent = new ConcurrentHashMap<>();

	private final AtomicInteger clients = new AtomicInteger();

	private volatile G current;

	private boolean retired;

	SharedPool(PoolKey key, PoolDefinition definition, String name, ClientResources resources,
			Duration leakThreshold) {
		this.key = key;
		this.definition = definition;
		this.name = name;
		this.uri = connectionUri(definition.uri(), name);
		this.leakDetector = new LeakDetector(name, leakThreshold, resources.timer(), this.counters);
		// A client per pool costs no threads (the event loops are shared) and closes exactly its own connections.
		this.resources = LettuceOptions.resourcesFor(definition.connection(), resources);
		this.clientOptions = LettuceOptions.clientOptions(definition.connection());
		this.opener = ConnectionOpener.create(definition, this.uri, name, this.resources,
				this.clientOptions);
	}

	/**
	 * Name every connection after the application and the pool, so {@code CLIENT LIST} groups by pool.
	 */
	private static RedisURI connectionUri(RedisURI uri, String name) {
		String prefix = (uri.getClientName() != null) ? uri.getClientName() : "gd-node";
		return RedisURI.builder(uri).withClientName(prefix + "-" + name).build();
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public PoolDefinition getDefinition() {
		return this.definition;
	}

	@Override
	public Endpoint getEndpoint() {
		return this.key.endpoint();
	}

	@Override
	public PoolStats getStats() {
		return stats(this.name);
	}

	@Override
	public int softEvictConnections() {
		return evictIdleConnections();
	}

	@Override
	public boolean closeIfUnused() {
		return closeIfIdle(Duration.ZERO);
	}

	final <C extends StatefulConnection<?, ?>> C tracked(C connection) {
		if (this.leakDetector.isEnabled()) {
			this.lent.put(connection, this.leakDetector.track());
		}
		return connection;
	}

	final void untrack(StatefulConnection<?, ?> connection) {
		LeakDetector.Tracker tracker = this.lent.remove(connection);
		if (tracker != null) {
			tracker.close();
		}
	}

	/**
	 * Check that Redis answers, within the given time, without counting as use (and, for the master
	 * role of one Redis, that it is still a master): an open pool of one Redis is asked on its
	 * shared connection; a closed one, and a pool of a topology, through a
	 * connection opened for the check alone and closed after it (also when it opens too late),
	 * which for a slave pool reads from replicas only (so a pool whose reads fell back to the
	 * master does not look healthy).
	 * @param timeout the most the check may take
	 * @return how long Redis took to answer
	 * @throws PingFailure when Redis did not answer in time, saying what happened
	 */
	@Override
	public Duration ping(Duration timeout) {
		try {
			return pingAsync(timeout).join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof PingFailure failure) ? failure : ex;
		}
	}

	/**
	 * Like {@link #ping}, without blocking: the result completes within the timeout, failed with a
	 * {@link PingFailure} when Redis did not answer.
	 * @param timeout the most the check may take
	 * @return how long Redis took to answer
	 */
	@Override
	public CompletableFuture<Duration> pingAsync(Duration timeout) {
		long start = System.nanoTime();
		CompletableFuture<?> answer;
		G generation = this.current;
		StatefulConnection<?, ?> shared = (generation != null) ? generation.openSharedConnection() : null;
		if (shared != null && this.definition.topology().kind() == PoolTopology.Kind.STANDALONE
				&& generation.tryAcquire()) {
			// A copy, so that giving up on the answer leaves Lettuce's command alone.
			answer = attempt(() -> check(shared)).copy()
				.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
				.whenComplete((ignored, ex) -> generation.releaseQuietly());
		}
		else {
			answer = pingOnce(timeout);
		}
		return answer.handle((ignored, ex) -> {
			if (ex != null) {
				throw failure(timeout, ConnectFailure.unwrap(ex));
			}
			return Duration.ofNanos(System.nanoTime() - start);
		});
	}

	private CompletableFuture<?> pingOnce(Duration timeout) {
		RedisURI probe = RedisURI.builder(this.uri)
			.withTimeout(timeout)
			.withClientName(this.uri.getClientName() + "-health")
			.build();
		// Always a String codec: the topologies' checks send String commands.
		CompletableFuture<StatefulConnection<String, String>> connecting = attempt(
				() -> this.opener.openProbe(StringCodec.UTF8, probe));
		CompletableFuture<?> answer = connecting.thenCompose((connection) -> check(connection)
			.whenComplete((ignored, ex) -> connection.closeAsync()));
		return answer.copy().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((ignored, ex) -> {
			if (ex != null) {
				// A connection that completes after we gave up must not stay open.
				connecting.thenAccept(StatefulConnection::closeAsync);
			}
		});
	}

	/**
	 * Send a PING, and for the master role of one Redis then a {@code ROLE}: a master demoted to a
	 * replica answers PING but refuses every write with {@code READONLY}. A user not allowed
	 * {@code ROLE} gets the PING's answer alone.
	 */
	private CompletableFuture<?> check(StatefulConnection<?, ?> connection) {
		CompletableFuture<String> ping = this.opener.ping(connection);
		if (this.definition.role() != PoolRole.MASTER
				|| this.definition.topology().kind() != PoolTopology.Kind.STANDALONE
				|| !(connection instanceof StatefulRedisConnection<?, ?> redis)) {
			return ping;
		}
		return ping.thenCompose((pong) -> redis.async().role().toCompletableFuture().handle((role, ex) -> {
			if (ex == null && !role.isEmpty() && "slave".equals(text(role.get(0)))) {
				throw new CompletionException(new IllegalStateException(
						"READONLY the server is a replica (ROLE answers slave): every write is refused"));
			}
			return pong;
		}));
	}

	private static String text(Object value) {
		if (value instanceof ByteBuffer buffer) {
			return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
		}
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	private static <T> CompletableFuture<T> attempt(Supplier<CompletableFuture<T>> action) {
		try {
			return action.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private PingFailure failure(Duration timeout, Throwable cause) {
		PingFailure.Reason reason = PingFailure.reasonOf(cause);
		String what = switch (reason) {
			case REFUSED -> "refused the connection: nothing listens at " + getEndpoint().address();
			case TIMED_OUT -> "did not answer PING within " + timeout;
			case AUTHENTICATION_FAILED -> "refused the credentials";
			case READONLY -> "is a read-only replica";
			case FAILED -> "failed the check";
		};
		return new PingFailure(this.name + " (" + getEndpoint().url() + ") " + what + ": " + cause
				+ reason(cause), reason, cause);
	}

	/**
	 * Return the innermost message, such as {@code WRONGPASS ...}, when it says more than the outer one.
	 */
	private static String reason(Throwable ex) {
		Throwable root = ConnectFailure.rootCause(ex);
		return (root != ex && root.getMessage() != null) ? " (" + root.getMessage() + ")" : "";
	}

	/**
	 * Take a lease on the open generation, opening one if needed.
	 */
	final G acquire() {
		G generation = this.current;
		if (generation != null && generation.tryAcquire()) {
			return generation;
		}
		synchronized (this) {
			generation = this.current;
			if (generation == null || !generation.tryAcquire()) {
				if (this.retired) {
					throw new PoolClosedException(this.name, getEndpoint().address(), null);
				}
				generation = openGeneration();
				generation.tryAcquire();
				this.current = generation;
			}
			return generation;
		}
	}

	/**
	 * Open the next generation of the pool; nothing connects until it is used.
	 */
	abstract G openGeneration();

	/**
	 * Return the open generation, or {@code null} when the pool is closed.
	 */
	final G current() {
		return this.current;
	}

	/**
	 * Close the open generation if nobody holds a lease and it sat idle for the given time.
	 * @return whether a generation was closed
	 */
	boolean closeIfIdle(Duration idleTimeout) {
		G generation = this.current;
		if (generation == null || !generation.reserveIfIdle(idleTimeout.toNanos())) {
			return false;
		}
		closeGeneration(generation);
		return true;
	}

	/**
	 * Close the pool now unless it is in use; the next use opens it again.
	 * @throws PoolInUseException when a connection is lent, a caller waits or a lease is held
	 */
	public void closeNow() {
		G generation = this.current;
		if (generation != null && !closeIfIdle(Duration.ZERO)) {
			throw new PoolInUseException(this.name, generation.leases(), generation.active(), generation.waiting());
		}
	}

	/**
	 * Close the idle dedicated connections of the pool now, the way HikariCP soft-evicts: those in
	 * use and the shared connection stay.
	 * @return how many connections were closed
	 */
	public int evictIdleConnections() {
		G generation = this.current;
		return (generation != null && !generation.isClosed()) ? generation.evictIdle() : 0;
	}

	private void closeGeneration(G generation) {
		synchronized (this) {
			if (this.current == generation) {
				this.current = null;
			}
		}
		generation.close();
	}

	boolean isOpen() {
		G generation = this.current;
		return generation != null && !generation.isClosed();
	}

	PoolKey key() {
		return this.key;
	}

	void attach() {
		this.clients.incrementAndGet();
	}

	/**
	 * @return whether that was the last client
	 */
	boolean detach() {
		return this.clients.decrementAndGet() == 0;
	}

	/**
	 * Close for good: the last client has gone.
	 */
	void retire(Duration shutdownTimeout) {
		G generation;
		synchronized (this) {
			this.retired = true;
			generation = this.current;
		}
		try {
			if (generation != null) {
				generation.reserve();
				closeGeneration(generation);
			}
		}
		finally {
			this.lent.values().forEach(LeakDetector.Tracker::close);
			this.opener.shutdown(shutdownTimeout);
			this.resources.shutdown(0, shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	PoolStats stats(String reportedName) {
		G generation = this.current;
		boolean open = generation != null && !generation.isClosed();
		PoolCounters c = this.counters;
		return new PoolStats(reportedName, this.definition.role().id(), this.definition.type().id(), getEndpoint().url(),
				this.definition.pooled(), this.definition.maxTotal(), this.definition.minIdle(),
				open ? generation.active() : 0, open ? generation.idle() : 0, open ? generation.waiting() : 0,
				open ? generation.connections() : 0, open ? generation.leases() : 0, c.created.sum(),
				c.destroyed.sum(), c.borrowed.sum(), c.transactions.sum(), c.timeouts.sum(), c.leaked.sum(),
				TimeUnit.NANOSECONDS.toMillis(c.acquireNanos.sum()), this.clients.get(),
				open ? TimeUnit.NANOSECONDS.toSeconds(generation.idleNanos()) : 0,
				this.definition.topology().kind().id(), this.definition.topology().reads().id(), this.opener.nodes());
	}

}
