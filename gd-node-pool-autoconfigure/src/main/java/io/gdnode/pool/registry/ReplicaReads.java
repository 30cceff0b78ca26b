package io.gdnode.pool.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.models.role.RedisNodeDescription;

/**
 * Spreads reads over the replicas, in a new random order for every read, optionally followed by
 * the master. Lettuce takes the first candidate whose connection is open, so a read goes to a
 * random reachable replica, and to the master only when no replica is reachable.
 */
final class ReplicaReads extends ReadFrom {

	private final boolean masterLast;

	private ReplicaReads(boolean masterLast) {
		this.masterLast = masterLast;
	}

	/**
	 * Return the Lettuce setting for where reads go.
	 */
	static ReadFrom of(PoolTopology.Reads reads) {
		return switch (reads) {
			case MASTER -> ReadFrom.UPSTREAM;
			case REPLICAS_THEN_MASTER -> new ReplicaReads(true);
			case REPLICAS -> new ReplicaReads(false);
		};
	}

	@Override
	public List<RedisNodeDescription> select(Nodes nodes) {
		List<RedisNodeDescription> replicas = new ArrayList<>();
		List<RedisNodeDescription> masters = new ArrayList<>();
		for (RedisNodeDescription node : nodes) {
			(node.getRole().isReplica() ? replicas : masters).add(node);
		}
		Collections.shuffle(replicas, ThreadLocalRandom.current());
		if (this.masterLast) {
			replicas.addAll(masters);
		}
		return replicas;
	}

	@Override
	protected boolean isOrderSensitive() {
		return true;
	}

	@Override
	public String toString() {
		return this.masterLast ? "replicas, then the master" : "replicas only";
	}

}
