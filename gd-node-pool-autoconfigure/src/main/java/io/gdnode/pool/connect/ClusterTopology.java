package io.gdnode.pool.connect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.gdnode.pool.PoolNode;
import io.gdnode.pool.PoolTopology;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * Opens Redis Cluster connections through one cluster client per pool, which keeps the pool's
 * view of the cluster: refreshed periodically and whenever a node moves slots, fails or stops
 * answering, so writes follow a failover to the promoted replica.
 */
final class ClusterTopology implements Topology {

	/** The shortest pause between two re-reads of the layout that events trigger. */
	private static final Duration REFRESH_PAUSE = Duration.ofSeconds(1);

	private final RedisClusterClient client;

	private final PoolTopology topology;

	/** Whether the layout was read: until then Lettuce refuses to connect, and reading it blocks. */
	private volatile boolean layoutRead;

	/** The first read of the layout, which every connect that starts before it is done waits for. */
	private final AtomicReference<CompletableFuture<Void>> firstRead = new AtomicReference<>();

	ClusterTopology(RedisURI uri, PoolTopology topology, ClientResources resources, ClientOptions options) {
		this.topology = topology;
		List<RedisURI> seeds = topology.nodes().stream().map((node) -> Topology.at(uri, node)).toList();
		this.client = new RefreshingClusterClient(resources, seeds, REFRESH_PAUSE);
		this.client.setOptions(ClusterClientOptions.builder(options)
			// A failed node without slots, whose replica took over, is left out of the layout:
			// Lettuce would otherwise keep reconnecting to it, and re-read the layout on every
			// attempt, for as long as the cluster lists it.
			.nodeFilter((node) -> !(node.is(RedisClusterNode.NodeFlag.FAIL) && node.getSlots().isEmpty()))
			.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
				.enableAllAdaptiveRefreshTriggers()
				.adaptiveRefreshTriggersTimeout(REFRESH_PAUSE)
				.enablePeriodicRefresh(topology.refreshPeriod())
				.build())
			.build());
	}

	@Override
	public <K, V> CompletableFuture<StatefulConnection<K, V>> connect(RedisCodec<K, V> codec, RedisURI uri, boolean probe) {
		return partitionsRead().thenCompose((ignored) -> this.client.connectAsync(codec)).thenApply((connection) -> {
			connection.setReadFrom(ReplicaReads.of(this.topology.reads(), null));
			return connection;
		});
	}

	/**
	 * A new client learns the cluster's partitions first, without blocking the caller: Lettuce
	 * refuses to connect before it knows them. Connects that start together (a pool's first
	 * command and first blocking pop) share one read: two would each install a layout of their own
	 * in the client, the second replacing the one the first connection was given. A failed read is
	 * tried again by the next connect.
	 */
	private CompletableFuture<Void> partitionsRead() {
		if (this.layoutRead) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<Void> read = new CompletableFuture<>();
		CompletableFuture<Void> underWay = this.firstRead.compareAndExchange(null, read);
		if (underWay != null) {
			return underWay;
		}
		this.client.refreshPartitionsAsync().whenComplete((ignored, ex) -> {
			if (ex != null) {
				this.firstRead.set(null);
				read.completeExceptionally(ex);
			}
			else {
				this.layoutRead = true;
				read.complete(null);
			}
		});
		return read;
	}

	/**
	 * A cluster connection is one connection per node, each reconnecting on its own; its
	 * {@code isOpen()} follows only the node that takes keyless commands, and that one reconnects to
	 * another node. Replacing it would also drop the reconnect attempts to a failed master, and those
	 * are what make Lettuce re-read the layout and find the promoted replica.
	 */
	@Override
	public boolean healsConnections() {
		return true;
	}

	@Override
	public <K, V> CompletableFuture<StatefulRedisPubSubConnection<K, V>> connectPubSub(RedisCodec<K, V> codec,
			RedisURI uri) {
		// A subscription may be the pool's first connection.
		return partitionsRead().thenCompose((ignored) -> this.client.connectPubSubAsync(codec).toCompletableFuture())
			.thenApply((connection) -> connection);
	}

	@Override
	public CompletableFuture<String> ping(StatefulConnection<?, ?> connection) {
		return ((StatefulRedisClusterConnection<?, ?>) connection).async().ping().toCompletableFuture();
	}

	@Override
	public Partitions clusterLayout() {
		return this.layoutRead ? this.client.getPartitions() : null;
	}

	/**
	 * Return the cluster's nodes as this pool last saw them, once it has read their layout; the seed nodes before.
	 */
	@Override
	public List<PoolNode> nodes() {
		List<PoolNode> nodes = new ArrayList<>();
		if (!this.layoutRead) {
			this.topology.nodes().forEach((node) -> nodes.add(new PoolNode(node, "seed")));
			return nodes;
		}
		for (RedisClusterNode node : this.client.getPartitions()) {
			String role = node.is(RedisClusterNode.NodeFlag.FAIL) ? "failed"
					: node.getRole().isUpstream() ? "master" : "replica";
			nodes.add(new PoolNode(node.getUri().getHost() + ":" + node.getUri().getPort(), role));
		}
		nodes.sort((a, b) -> a.address().compareTo(b.address()));
		return nodes;
	}

	@Override
	public void shutdown(Duration timeout) {
		this.client.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

}
