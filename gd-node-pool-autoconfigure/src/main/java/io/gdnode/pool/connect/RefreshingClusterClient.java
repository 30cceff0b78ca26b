package io.gdnode.pool.connect;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.ConnectionBuilder;
import io.lettuce.core.ConnectionFuture;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;

/**
 * A Lettuce cluster client that also re-reads the cluster's layout when it cannot connect to a
 * node that serves slots, at most once per pause. Lettuce re-reads it when a connection keeps
 * failing to reconnect, but a connection that never connected triggers nothing: a pool first
 * reaching a master after it died would fail that master's keys until the periodic refresh, long
 * after its replica took over.
 */
final class RefreshingClusterClient extends RedisClusterClient {

	private final long pauseNanos;

	private final AtomicLong lastRefresh;

	/** Whether the layout was read once: before that, reading it would block on the event loop. */
	private volatile boolean layoutRead;

	RefreshingClusterClient(ClientResources resources, List<RedisURI> seeds, Duration pause) {
		super(resources, seeds);
		this.pauseNanos = pause.toNanos();
		this.lastRefresh = new AtomicLong(System.nanoTime() - this.pauseNanos);
	}

	@Override
	protected CompletableFuture<Partitions> initializePartitions() {
		return super.initializePartitions().thenApply((read) -> {
			this.layoutRead = true;
			return read;
		});
	}

	@Override
	protected <K, V, T extends RedisChannelHandler<K, V>> ConnectionFuture<T> initializeChannelAsync(
			ConnectionBuilder connectionBuilder) {
		ConnectionFuture<T> connecting = super.initializeChannelAsync(connectionBuilder);
		connecting.whenComplete((connection, ex) -> {
			if (ex != null && servesSlots(connecting.getRemoteAddress())) {
				refreshAtMostOncePerPause();
			}
		});
		return connecting;
	}

	/**
	 * Only a node that serves slots matters: each re-read connects to every listed node, and a dead
	 * one that no longer serves any must not trigger the next re-read.
	 */
	private boolean servesSlots(SocketAddress address) {
		if (!this.layoutRead || !(address instanceof InetSocketAddress inet)) {
			return false;
		}
		RedisClusterNode node = getPartitions().getPartition(inet.getHostString(), inet.getPort());
		return node != null && node.getSlots() != null && !node.getSlots().isEmpty();
	}

	private void refreshAtMostOncePerPause() {
		long last = this.lastRefresh.get();
		long now = System.nanoTime();
		if (now - last >= this.pauseNanos && this.lastRefresh.compareAndSet(last, now)) {
			refreshPartitionsAsync();
		}
	}

}
