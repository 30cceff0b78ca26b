package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gdnode.pool.PoolClosedException;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolExhaustedException;
import io.gdnode.pool.PoolInUseException;
import io.gdnode.pool.PoolStats;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolType;
import io.gdnode.pool.connect.ByteBufferCodec;
import io.gdnode.pool.connect.ConnectFailure;
import io.gdnode.pool.connect.ConnectionOpener;
import io.gdnode.pool.connect.LettuceOptions;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * A pool shared by every client that asks for the same {@link PoolKey}. It opens nothing until
 * first use, closes when idle for the registry's timeout, opens again on the next use, and closes
 * for good when its last client detaches.
 * <p>
 * Clients hold a lease for every use: a {@link PoolLease} around a span of shared-connection use,
 * or an implicit one from {@link #borrow()} or {@link #transactionConnection()} to
 * {@link #giveBack}. A pool with a lease is never closed by the idle cleanup.
 */
public final class SharedPool {

	private final PoolKey key;

	private final PoolDefinition definition;

	private final String name;

	private final ClientResources resources;

	/** The options of every connection of the pool, the socketless transaction connections included. */
	private final ClientOptions clientOptions;

	private final ConnectionOpener opener;

	private final RedisURI uri;

	private final PoolCounters counters = new PoolCounters();

	private final LeakDetector leakDetector;

	/** Leak trackers of lent connections, only while leak detection is on. */
	private final Map<StatefulConnection<?, ?>, LeakDetector.Tracker> lent = new ConcurrentHashMap<>();

	private final AtomicInteger clients = new AtomicInteger();

	private volatile PoolGeneration current;

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
		this.opener = ConnectionOpener.create(definition, this.uri, name, key.location(), this.resources,
				this.clientOptions);
	}

	/**
	 * Name every connection after the application and the pool, so {@code CLIENT LIST} groups by pool.
	 */
	private static RedisURI connectionUri(RedisURI uri, String name) {
		String prefix = (uri.getClientName() != null) ? uri.getClientName() : "gd-node";
		return RedisURI.builder(uri).withClientName(prefix + "-" + name).build();
	}

	/**
	 * Return the name this pool is reported under.
	 * @return the pool name, for example {@code master}
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return where this pool connects, as a URL with the user but never the password.
	 * @return for example {@code redis://reader@10.0.0.5:6379/0}
	 */
	public String getLocation() {
		return this.key.location();
	}

	/**
	 * Return what this pool was created from.
	 * @return the definition of the first client
	 */
	public PoolDefinition getDefinition() {
		return this.definition;
	}

	/**
	 * Take a lease on the open generation, opening one if needed. The shared connection of the
	 * lease may be used until the lease is closed.
	 * @return the lease, to be closed after use
	 */
	public PoolLease lease() {
		return new PoolLease((BlockingGeneration) acquire(), this.leakDetector.track());
	}

	/**
	 * Borrow a dedicated connection, waiting at most the pool's wait timeout when all are in use.
	 * @param <C> the connection type: a {@code StatefulRedisConnection}, or for a Cluster pool a
	 * {@code StatefulRedisClusterConnection}
	 * @return a connection to hand back with {@link #giveBack}
	 * @throws PoolExhaustedException when no connection came back in time
	 */
	@SuppressWarnings("unchecked")
	public <C extends StatefulConnection<?, ?>> C borrow() {
		BlockingGeneration generation = (BlockingGeneration) acquire();
		try {
			return (C) tracked(generation.borrow());
		}
		catch (RuntimeException ex) {
			generation.release();
			throw ex;
		}
	}

	/**
	 * Return a connection for MULTI ... EXEC blocks that holds no socket of its own: it writes each
	 * block in one piece on the pool's transaction lane, which all transactions share, and borrows a
	 * dedicated connection only once a command needs one (WATCH, a blocking pop, a pipeline).
	 * @param <C> the connection type: a {@code StatefulRedisConnection}
	 * @return a connection to hand back with {@link #giveBack}
	 */
	@SuppressWarnings("unchecked")
	public <C extends StatefulConnection<?, ?>> C transactionConnection() {
		if (this.definition.topology().kind() == PoolTopology.Kind.CLUSTER) {
			// As Spring Data Redis says too: a block's keys may live on different nodes.
			throw new UnsupportedOperationException(
					"Redis pool '" + this.name + "' is a Redis Cluster pool: MULTI ... EXEC is not supported in cluster mode");
		}
		BlockingGeneration generation = (BlockingGeneration) acquire();
		return (C) tracked(generation.transactionConnection(this::borrow, this::giveBack, this.resources,
				this.clientOptions));
	}

	/**
	 * Give back a connection from {@link #borrow()} or {@link #transactionConnection()}.
	 * @param connection the connection
	 */
	public void giveBack(StatefulConnection<?, ?> connection) {
		untrack(connection);
		if (connection instanceof TransactionConnection<?, ?> transactions) {
			// Gives back what it borrowed and releases its lease on its generation.
			transactions.close();
			return;
		}
		// A borrower's lease keeps its generation current; none is current only once the pool has retired.
		PoolGeneration generation = this.current;
		if (generation instanceof BlockingGeneration blocking) {
			blocking.giveBack(connection, blocking::release);
		}
		else if (!ConnectionOpener.isClosed(connection)) {
			// The pool retired while the connection was lent; retiring may have closed it already.
			connection.close();
		}
	}

	/**
	 * Open a connection for a subscription. Subscriptions hold their connection for as long as they
	 * last, so they are not taken from the pool; the caller closes it.
	 * @return a new pub/sub connection
	 */
	public StatefulRedisPubSubConnection<?, ?> connectPubSub() {
		return this.opener.openPubSub(codec(), this.uri);
	}

	/**
	 * Acquire a connection from an async pool without blocking.
	 * @param <C> the connection type: a {@code StatefulRedisConnection}, or for a Cluster pool a
	 * {@code StatefulRedisClusterConnection}
	 * @return the connection, or a failure with {@link PoolExhaustedException} after the wait timeout
	 */
	@SuppressWarnings("unchecked")
	public <C extends StatefulConnection<String, String>> CompletableFuture<C> acquireAsync() {
		AsyncGeneration generation = (AsyncGeneration) acquire();
		return generation.acquire().handle((connection, ex) -> {
			if (ex != null) {
				generation.release();
				return CompletableFuture.<C>failedFuture(ex);
			}
			return CompletableFuture.completedFuture((C) tracked(connection));
		}).thenCompose((connection) -> connection);
	}

	/**
	 * Give back a connection from {@link #acquireAsync()}.
	 * @param connection the connection
	 * @return completes when the connection is back in the pool
	 */
	public CompletableFuture<Void> releaseAsync(StatefulConnection<String, String> connection) {
		untrack(connection);
		PoolGeneration generation = this.current;
		if (generation instanceof AsyncGeneration async) {
			return async.release(connection).whenComplete((ignored, ex) -> async.release());
		}
		return connection.closeAsync();
	}

	private <C extends StatefulConnection<?, ?>> C tracked(C connection) {
		if (this.leakDetector.isEnabled()) {
			this.lent.put(connection, this.leakDetector.track());
		}
		return connection;
	}

	private void untrack(StatefulConnection<?, ?> connection) {
		LeakDetector.Tracker tracker = this.lent.remove(connection);
		if (tracker != null) {
			tracker.close();
		}
	}

	/**
	 * Check that Redis answers, within the given time, without counting as use: an open pool of one
	 * Redis is asked on its shared connection; a closed one, and a pool of a topology, through a
	 * connection opened for the check alone, which for a slave pool reads from replicas only (so a
	 * pool whose reads fell back to the master does not look healthy).
	 * @param timeout the most the check may take
	 * @return how long Redis took to answer
	 * @throws RuntimeException when Redis did not answer in time
	 */
	public Duration ping(Duration timeout) {
		long start = System.nanoTime();
		PoolGeneration generation = this.current;
		if (generation instanceof BlockingGeneration blocking && blocking.openSharedConnection() != null
				&& this.definition.topology().kind() == PoolTopology.Kind.STANDALONE && blocking.tryAcquire()) {
			try {
				this.opener.ping(blocking.openSharedConnection()).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (Exception ex) {
				throw unanswered(timeout, ex);
			}
			finally {
				blocking.releaseQuietly();
			}
		}
		else {
			pingOnce(timeout);
		}
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private void pingOnce(Duration timeout) {
		RedisURI probe = RedisURI.builder(this.uri)
			.withTimeout(timeout)
			.withClientName(this.uri.getClientName() + "-health")
			.build();
		long deadline = System.nanoTime() + timeout.toNanos();
		// Always a String codec: the topologies' checks send String commands.
		CompletableFuture<StatefulConnection<String, String>> connecting = this.opener.openProbe(StringCodec.UTF8,
				probe);
		try {
			StatefulConnection<String, String> connection = connecting.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			try {
				this.opener.ping(connection).get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
			}
			finally {
				connection.closeAsync();
			}
		}
		catch (Exception ex) {
			// A connection that completes after we gave up must not stay open.
			connecting.thenAccept(StatefulConnection::closeAsync);
			throw unanswered(timeout, ex);
		}
	}

	private IllegalStateException unanswered(Duration timeout, Exception cause) {
		return new IllegalStateException(this.name + " (" + this.key.location() + ") did not answer PING within "
				+ timeout + ": " + cause + reason(cause), cause);
	}

	/**
	 * Return the innermost message, such as {@code WRONGPASS ...}, when it says more than the outer one.
	 */
	private static String reason(Throwable ex) {
		Throwable root = ConnectFailure.rootCause(ex);
		return (root != ex && root.getMessage() != null) ? " (" + root.getMessage() + ")" : "";
	}

	private PoolGeneration acquire() {
		PoolGeneration generation = this.current;
		if (generation != null && generation.tryAcquire()) {
			return generation;
		}
		synchronized (this) {
			generation = this.current;
			if (generation == null || !generation.tryAcquire()) {
				if (this.retired) {
					throw new PoolClosedException(this.name, this.definition.endpoint().address(), null);
				}
				generation = open();
				generation.tryAcquire();
				this.current = generation;
			}
			return generation;
		}
	}

	private PoolGeneration open() {
		if (this.definition.type() == PoolType.ASYNC) {
			return new AsyncGeneration(this.opener, this.uri, this.name, this.definition, this.counters);
		}
		return new BlockingGeneration(this.opener, this.uri, codec(), this.name, this.definition, this.counters,
				this.resources.timer());
	}

	private RedisCodec<?, ?> codec() {
		return (this.definition.type() == PoolType.REACTIVE) ? ByteBufferCodec.INSTANCE : ByteArrayCodec.INSTANCE;
	}

	/**
	 * Close the open generation if nobody holds a lease and it sat idle for the given time.
	 * @return whether a generation was closed
	 */
	boolean closeIfIdle(Duration idleTimeout) {
		PoolGeneration generation = this.current;
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
		PoolGeneration generation = this.current;
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
		PoolGeneration generation = this.current;
		return (generation != null && !generation.isClosed()) ? generation.evictIdle() : 0;
	}

	private void closeGeneration(PoolGeneration generation) {
		synchronized (this) {
			if (this.current == generation) {
				this.current = null;
			}
		}
		generation.close();
	}

	boolean isOpen() {
		PoolGeneration generation = this.current;
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
		PoolGeneration generation;
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

	/**
	 * Read the live statistics of this pool.
	 * @return the statistics; zeros for a pool that is not open
	 */
	public PoolStats stats() {
		return stats(this.name);
	}

	PoolStats stats(String reportedName) {
		PoolGeneration generation = this.current;
		boolean open = generation != null && !generation.isClosed();
		PoolCounters c = this.counters;
		return new PoolStats(reportedName, this.definition.role().id(), this.definition.type().id(), this.key.location(),
				this.definition.pooled(), this.definition.maxTotal(), this.definition.minIdle(),
				open ? generation.active() : 0, open ? generation.idle() : 0, open ? generation.waiting() : 0,
				open ? generation.connections() : 0, open ? generation.leases() : 0, c.created.sum(),
				c.destroyed.sum(), c.borrowed.sum(), c.transactions.sum(), c.timeouts.sum(), c.leaked.sum(),
				TimeUnit.NANOSECONDS.toMillis(c.acquireNanos.sum()), this.clients.get(),
				open ? TimeUnit.NANOSECONDS.toSeconds(generation.idleNanos()) : 0,
				this.definition.topology().kind().id(), this.definition.topology().reads().id(), this.opener.nodes());
	}

}
