package io.gdnode.pool.registry;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.gdnode.pool.connect.ByteBufferCodec;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterPushHandler;
import io.lettuce.core.cluster.StatefulRedisClusterConnectionImpl;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.push.RedisClusterPushListener;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.protocol.ConnectionIntent;
import io.lettuce.core.protocol.RedisCommand;

/**
 * Spring Data Redis's reactive cluster connection ({@link ByteBuffer} keys and values) over a
 * Cluster pool's own {@code byte[]} cluster connections, as {@link ReactiveConnection} is for one
 * Redis: a command is written on the cluster connection's writer, which routes it by its key's slot
 * (a key encodes to the same bytes through either codec), and node connections are handed out as
 * reactive views of the cluster connection's own ({@link ReactiveConnection#node}).
 * <p>
 * The {@linkplain #shared shared} form writes on the open generation's shared cluster connection, a
 * lease per command in flight, on its node connections too; the {@linkplain #lent lent} form writes
 * on one borrowed cluster connection and gives it back when closed.
 */
final class ReactiveClusterConnection extends StatefulRedisClusterConnectionImpl<ByteBuffer, ByteBuffer> {

	private final BlockingPool pool;

	/** The borrowed cluster connection of the lent form; {@code null} for the shared form. */
	private final StatefulRedisClusterConnection<?, ?> borrowed;

	/** What Lettuce's commands that span nodes take for this connection's writer. */
	private final RedisChannelWriter distribution;

	private ReactiveClusterConnection(PoolWriter writer, BlockingPool pool, StatefulRedisClusterConnection<?, ?> borrowed) {
		super(writer, NoClusterPush.INSTANCE, ByteBufferCodec.INSTANCE, pool.uri.getTimeout());
		this.pool = pool;
		this.borrowed = borrowed;
		setOptions(pool.clientOptions);
		this.distribution = ClusterNodeViews.distributionWriter(writer, pool.clientOptions, this::route);
	}

	/**
	 * Return a connection that writes on the shared cluster connection of whichever generation is open.
	 */
	static ReactiveClusterConnection shared(BlockingPool pool) {
		return new ReactiveClusterConnection(PoolWriter.shared(pool), pool, null);
	}

	/**
	 * Return a connection that writes on a borrowed cluster connection and gives it back when closed.
	 */
	static ReactiveClusterConnection lent(BlockingPool pool, StatefulRedisClusterConnection<?, ?> borrowed) {
		return new ReactiveClusterConnection(PoolWriter.lent(pool, borrowed), pool, borrowed);
	}

	private boolean isShared() {
		return this.borrowed == null;
	}

	/**
	 * Refuse, on the shared form, what would change the session of every caller.
	 */
	@Override
	public <T> RedisCommand<ByteBuffer, ByteBuffer, T> dispatch(RedisCommand<ByteBuffer, ByteBuffer, T> command) {
		ReactiveConnection.refuseSessionChange(isShared(), command);
		return super.dispatch(command);
	}

	@Override
	public Collection<RedisCommand<ByteBuffer, ByteBuffer, ?>> dispatch(
			Collection<? extends RedisCommand<ByteBuffer, ByteBuffer, ?>> commands) {
		commands.forEach((command) -> ReactiveConnection.refuseSessionChange(isShared(), command));
		return super.dispatch(commands);
	}

	/**
	 * Return the writer Lettuce's commands that span nodes look their node connections up in; this
	 * connection's own commands go to the pool's cluster connection.
	 */
	@Override
	public RedisChannelWriter getChannelWriter() {
		return this.distribution;
	}

	/**
	 * Return the cluster's layout as the pool's cluster connection sees it, which is the layout its
	 * cluster client keeps. Only a pool that never connected opens its shared connection for it,
	 * on the caller's thread, as Spring Boot's default factory opens its shared connection.
	 */
	@Override
	public Partitions getPartitions() {
		if (!isShared()) {
			return this.borrowed.getPartitions();
		}
		Partitions layout = this.pool.opener.clusterLayout();
		if (layout != null) {
			return layout;
		}
		BlockingGeneration generation = this.pool.acquire();
		try {
			return ((StatefulRedisClusterConnection<?, ?>) generation.sharedConnection()).getPartitions();
		}
		finally {
			generation.release();
		}
	}

	@Override
	public StatefulRedisConnection<ByteBuffer, ByteBuffer> getConnection(String nodeId, ConnectionIntent intent) {
		return await(getConnectionAsync(nodeId, intent));
	}

	@Override
	public CompletableFuture<StatefulRedisConnection<ByteBuffer, ByteBuffer>> getConnectionAsync(String nodeId,
			ConnectionIntent intent) {
		return node((cluster) -> cluster.getConnectionAsync(nodeId, intent));
	}

	@Override
	public StatefulRedisConnection<ByteBuffer, ByteBuffer> getConnection(String host, int port,
			ConnectionIntent intent) {
		return await(getConnectionAsync(host, port, intent));
	}

	@Override
	public CompletableFuture<StatefulRedisConnection<ByteBuffer, ByteBuffer>> getConnectionAsync(String host, int port,
			ConnectionIntent intent) {
		return node((cluster) -> cluster.getConnectionAsync(host, port, intent));
	}

	/**
	 * Refuse: reads go where the pool's settings say, for every caller.
	 */
	@Override
	public void setReadFrom(ReadFrom readFrom) {
		throw new UnsupportedOperationException("The reads of a pool's cluster connection follow the pool's settings");
	}

	@Override
	public ReadFrom getReadFrom() {
		return await(onCluster((generation, cluster) -> cluster.getReadFrom()));
	}

	/**
	 * Refuse: the layout is the pool's cluster connection's, which Lettuce keeps up to date.
	 */
	@Override
	public void setPartitions(Partitions partitions) {
		throw new UnsupportedOperationException("The layout of a pool's cluster connection is kept by the pool");
	}

	/**
	 * Answer Lettuce's commands that span nodes, asking the cluster connection's own provider.
	 */
	private Object route(Method method, Object[] args) {
		CompletableFuture<Object> answer = onCluster((generation, cluster) -> {
			Object asked = ClusterNodeViews.ask(cluster, method, args);
			return (asked instanceof CompletableFuture<?> future) ? future.thenApply((node) -> viewOf(generation, node))
					: viewOf(generation, asked);
		});
		return CompletableFuture.class.isAssignableFrom(method.getReturnType())
				? answer.thenCompose((future) -> (CompletableFuture<?>) future) : await(answer);
	}

	private CompletableFuture<StatefulRedisConnection<ByteBuffer, ByteBuffer>> node(
			Function<StatefulRedisClusterConnection<?, ?>, CompletableFuture<? extends StatefulRedisConnection<?, ?>>> lookup) {
		return onCluster((generation, cluster) -> lookup.apply(cluster)
			.<StatefulRedisConnection<ByteBuffer, ByteBuffer>>thenApply((node) -> ReactiveConnection.node(this.pool, generation, node)))
			.thenCompose(Function.identity());
	}

	/**
	 * Return a reactive view of a node connection, or what else the provider answered.
	 */
	private Object viewOf(BlockingGeneration generation, Object answer) {
		return (answer instanceof StatefulRedisConnection<?, ?> node) ? ReactiveConnection.node(this.pool, generation, node)
				: answer;
	}

	/**
	 * Apply a function to the pool's cluster connection: the borrowed one (with no generation, its
	 * borrower holds the lease), or the open generation's shared one under a lease until the
	 * function returns, once it is open: no thread waits for a connect, and a Reactor or Netty
	 * thread that asks for a node connection does not either. Node views of the shared one take a
	 * lease per command on that generation.
	 */
	private <T> CompletableFuture<T> onCluster(
			BiFunction<BlockingGeneration, StatefulRedisClusterConnection<?, ?>, T> function) {
		if (!isShared()) {
			return CompletableFuture.completedFuture(function.apply(null, this.borrowed));
		}
		BlockingGeneration generation = this.pool.acquire();
		CompletableFuture<T> answer = new CompletableFuture<>();
		try {
			generation.whenSharedConnectionOpen((connection, ex) -> {
				try {
					if (ex != null) {
						answer.completeExceptionally(ex);
					}
					else {
						answer.complete(function.apply(generation, (StatefulRedisClusterConnection<?, ?>) connection));
					}
				}
				catch (RuntimeException failure) {
					answer.completeExceptionally(failure);
				}
				finally {
					generation.release();
				}
			});
		}
		catch (RuntimeException ex) {
			generation.release();
			throw ex;
		}
		return answer;
	}

	private static <T> T await(CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
		}
	}

	/**
	 * The push handler of a connection that has no socket of its own: push messages arrive on
	 * sockets, and a shared connection's would be every caller's.
	 */
	private enum NoClusterPush implements ClusterPushHandler {

		INSTANCE;

		@Override
		public void addListener(RedisClusterPushListener listener) {
			throw new UnsupportedOperationException("No push listeners on a reactive view of a pool's cluster connection");
		}

		@Override
		public void removeListener(RedisClusterPushListener listener) {
		}

		@Override
		public Collection<RedisClusterPushListener> getPushListeners() {
			return List.of();
		}

	}

}
