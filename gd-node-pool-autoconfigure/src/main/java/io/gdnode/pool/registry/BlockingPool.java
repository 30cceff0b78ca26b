package io.gdnode.pool.registry;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolExhaustedException;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.connect.ConnectionOpener;
import io.gdnode.pool.connect.LettuceOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * A pool for Spring Data Redis's blocking and reactive connections: one shared, multiplexed
 * connection used under a {@link PoolLease} (or, for reactive commands, a lease per command in
 * flight), dedicated connections lent to one caller at a time from {@link #borrow()} to
 * {@link #giveBack}, and socketless connections for transactions.
 */
public final class BlockingPool extends SharedPool<BlockingGeneration> {

	/** Runs what may wait for a connection (a borrow, a connect) off the caller's thread. */
	private final ThreadPoolExecutor connectExecutor;

	private final StatefulConnection<ByteBuffer, ByteBuffer> sharedReactiveConnection;

	BlockingPool(PoolKey key, PoolDefinition definition, String name, ClientResources resources,
			Duration leakThreshold) {
		super(key, definition, name, resources, leakThreshold);
		this.connectExecutor = connectExecutor(name, definition);
		this.sharedReactiveConnection = isCluster() ? ReactiveClusterConnection.shared(this)
				: ReactiveConnection.shared(this);
	}

	private boolean isCluster() {
		return this.definition.topology().kind() == PoolTopology.Kind.CLUSTER;
	}

	/**
	 * At most one thread per connection the pool can hold (its size, the shared and the transaction
	 * connection): more could only wait for the same connections. Threads end after a minute unused.
	 */
	private static ThreadPoolExecutor connectExecutor(String name, PoolDefinition definition) {
		AtomicInteger threads = new AtomicInteger();
		int most = definition.maxTotal() + 2;
		ThreadPoolExecutor executor = new ThreadPoolExecutor(most, most, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "gd-node-pool-" + name + "-connect-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	/**
	 * Return the executor on which a caller that must not block (a Reactor or Netty thread) waits
	 * for a dedicated connection or a connect. Its threads are neither event-loop nor Reactor threads.
	 * @return the executor
	 */
	public Executor connectExecutor() {
		return this.connectExecutor;
	}

	/**
	 * Return a reactive ({@link ByteBuffer} codec) connection whose commands run on the pool's shared
	 * connection, each under a lease until it completes. Closing it does nothing: the pool owns the
	 * shared connection. For a Cluster pool it is a {@code StatefulRedisClusterConnection}, whose
	 * node connections are views of the shared connection's, a lease per command too.
	 * @return the shared reactive connection
	 */
	public StatefulConnection<ByteBuffer, ByteBuffer> sharedReactiveConnection() {
		return this.sharedReactiveConnection;
	}

	/**
	 * Borrow a dedicated connection as a reactive ({@link ByteBuffer} codec) connection: closing it,
	 * or handing it to {@link #giveBack}, gives the borrowed connection back. For a Cluster pool it
	 * is a {@code StatefulRedisClusterConnection}.
	 * @return the connection
	 * @throws PoolExhaustedException when no connection came back in time
	 */
	public StatefulConnection<ByteBuffer, ByteBuffer> borrowReactive() {
		StatefulConnection<?, ?> borrowed = borrow();
		return (borrowed instanceof StatefulRedisClusterConnection<?, ?> cluster)
				? ReactiveClusterConnection.lent(this, cluster) : ReactiveConnection.lent(this, borrowed);
	}

	/**
	 * Take a lease on the open generation, opening one if needed. The shared connection of the
	 * lease may be used until the lease is closed.
	 * @return the lease, to be closed after use
	 */
	public PoolLease lease() {
		return new PoolLease(acquire(), this.leakDetector.track());
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
		BlockingGeneration generation = acquire();
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
		if (isCluster()) {
			// As Spring Data Redis says too: a block's keys may live on different nodes.
			throw new UnsupportedOperationException(
					"Redis pool '" + this.name + "' is a Redis Cluster pool: MULTI ... EXEC is not supported in cluster mode");
		}
		return (C) tracked(acquire().transactionConnection(this.resources, this.clientOptions));
	}

	/**
	 * Give back a connection from {@link #borrow()}, {@link #borrowReactive()} or
	 * {@link #transactionConnection()}.
	 * @param connection the connection
	 */
	public void giveBack(StatefulConnection<?, ?> connection) {
		if (connection instanceof ReactiveConnection || connection instanceof ReactiveClusterConnection) {
			// Gives back the connection it was lent.
			connection.closeAsync();
			return;
		}
		untrack(connection);
		if (connection instanceof TransactionConnection<?, ?> transactions) {
			// Gives back what it borrowed and releases its lease on its generation.
			transactions.close();
			return;
		}
		// A borrower's lease keeps its generation current; none is current only once the pool has retired.
		BlockingGeneration generation = current();
		if (generation != null) {
			generation.giveBack(connection, generation::release);
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
		return connectPubSub(codec());
	}

	/**
	 * Open a connection for a subscription with the given codec, as {@link #connectPubSub()} does.
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param codec the codec, for example Spring Data Redis's reactive {@code ByteBuffer} codec
	 * @return a new pub/sub connection
	 */
	public <K, V> StatefulRedisPubSubConnection<K, V> connectPubSub(RedisCodec<K, V> codec) {
		return this.opener.openPubSub(codec, this.uri);
	}

	@Override
	void retire(Duration shutdownTimeout) {
		try {
			super.retire(shutdownTimeout);
		}
		finally {
			this.connectExecutor.shutdown();
		}
	}

	@Override
	BlockingGeneration openGeneration() {
		return new BlockingGeneration(this.opener, this.uri, codec(), this.name, this.definition, this.counters,
				this.resources.timer(), this.connectExecutor);
	}

	private RedisCodec<?, ?> codec() {
		return LettuceOptions.codec(this.definition.type());
	}

}
