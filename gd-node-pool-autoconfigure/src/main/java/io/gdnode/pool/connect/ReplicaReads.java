package io.gdnode.pool.connect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import io.gdnode.pool.PoolNode;
import io.gdnode.pool.PoolTopology;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.models.role.RedisNodeDescription;

/**
 * Where a read goes among the master and replicas Lettuce knows: to the master, or to the
 * replicas in a new random order for every read, optionally followed by the master. Lettuce
 * takes the first candidate whose connection is open, so a read goes to a random reachable
 * replica, and to the master only when no replica is reachable.
 * <p>
 * Every read shows Lettuce's current view of the servers, which is handed to the
 * {@link Observer} when it changed: that is how the statistics learn which master and replicas a
 * pool talks to, after a failover too.
 */
final class ReplicaReads extends ReadFrom {

	private final PoolTopology.Reads reads;

	private final Observer observer;

	private final long createdNanos = System.nanoTime();

	private volatile int lastSeen;

	/** The servers this connection's Lettuce knew at its last read, {@code null} before one. */
	private volatile List<PoolNode> view;

	private ReplicaReads(PoolTopology.Reads reads, Observer observer) {
		this.reads = reads;
		this.observer = observer;
	}

	/**
	 * Return the Lettuce setting for where reads go.
	 * @param reads where reads go
	 * @param observer told the servers Lettuce knows whenever they change, or {@code null}
	 */
	static ReadFrom of(PoolTopology.Reads reads, Observer observer) {
		return new ReplicaReads(reads, observer);
	}

	@Override
	public List<RedisNodeDescription> select(Nodes nodes) {
		observe(nodes.getNodes());
		List<RedisNodeDescription> replicas = new ArrayList<>();
		List<RedisNodeDescription> masters = new ArrayList<>();
		for (RedisNodeDescription node : nodes) {
			(node.getRole().isReplica() ? replicas : masters).add(node);
		}
		if (this.reads == PoolTopology.Reads.MASTER) {
			return masters;
		}
		Collections.shuffle(replicas, ThreadLocalRandom.current());
		if (this.reads == PoolTopology.Reads.REPLICAS_THEN_MASTER) {
			replicas.addAll(masters);
		}
		return replicas;
	}

	private void observe(List<RedisNodeDescription> nodes) {
		if (this.observer == null) {
			return;
		}
		// Compared by a hash, so that a read whose view has not changed allocates nothing here.
		int seen = 1;
		for (RedisNodeDescription node : nodes) {
			seen = 31 * seen + Objects.hash(node.getUri().getHost(), node.getUri().getPort(), node.getRole());
		}
		if (seen != this.lastSeen) {
			this.lastSeen = seen;
			List<PoolNode> view = new ArrayList<>();
			for (RedisNodeDescription node : nodes) {
				view.add(new PoolNode(node.getUri().getHost() + ":" + node.getUri().getPort(),
						node.getRole().isUpstream() ? "master" : "replica"));
			}
			view.sort((a, b) -> a.address().compareTo(b.address()));
			this.view = List.copyOf(view);
			this.observer.seen(this.view);
		}
	}

	/**
	 * Return the servers the connection reading through this knew at its last read, or
	 * {@code null} before one or without an observer.
	 */
	List<PoolNode> view() {
		return this.view;
	}

	/**
	 * Return when this was created: just before its connection opened.
	 */
	long createdNanos() {
		return this.createdNanos;
	}

	@Override
	protected boolean isOrderSensitive() {
		return true;
	}

	@Override
	public String toString() {
		return this.reads.id();
	}

	/**
	 * Told the servers Lettuce knows.
	 */
	@FunctionalInterface
	interface Observer {

		void seen(List<PoolNode> nodes);

	}

}
