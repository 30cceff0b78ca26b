package io.gdnode.pool;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.springframework.util.Assert;

/**
 * Which Redis servers a pool talks to beyond the one in its definition's URI, and where its reads
 * go: one Redis, a master with a list of replicas, a master whose replicas are discovered, a
 * master and replicas found through Sentinel, or a Redis Cluster. Part of the pool's identity;
 * the sentinel password is compared but never printed.
 *
 * @param kind the kind of topology
 * @param nodes {@code host:port} of the replicas, sentinels or cluster nodes; empty for one Redis or discovery
 * @param master the master's {@code host:port} for listed or discovered replicas, the master name the
 * sentinels monitor, or {@code null}
 * @param sentinelPassword the password of the sentinels, or {@code null}
 * @param reads where reads go
 * @param refreshPeriod how often a cluster pool refreshes its view of the cluster
 */
public record PoolTopology(Kind kind, List<String> nodes, String master, char[] sentinelPassword, Reads reads,
		Duration refreshPeriod) {

	/** One Redis, the URI of the definition, for reads and writes. */
	public static final PoolTopology STANDALONE = new PoolTopology(Kind.STANDALONE, List.of(), null, null, Reads.MASTER,
			null);

	public PoolTopology {
		Assert.notNull(kind, "'kind' must not be null");
		Assert.notNull(reads, "'reads' must not be null");
		nodes = List.copyOf(nodes);
		Assert.isTrue(kind != Kind.SENTINEL || (master != null && !nodes.isEmpty()),
				"A Sentinel topology needs a master name and at least one sentinel");
		Assert.isTrue(kind != Kind.CLUSTER || !nodes.isEmpty(), "A Cluster topology needs at least one node");
		Assert.isTrue(kind != Kind.REPLICAS || (master != null && !nodes.isEmpty()),
				"A replica topology needs the master and at least one replica");
		Assert.isTrue(kind != Kind.DISCOVERED || master != null, "A discovered topology needs the master");
	}

	/**
	 * A master and the given replicas, all reached with the credentials of the definition's URI.
	 * @param master {@code host:port} of the master
	 * @param replicas {@code host:port} of each replica
	 * @param reads where reads go
	 * @return the topology
	 */
	public static PoolTopology replicas(String master, List<String> replicas, Reads reads) {
		return new PoolTopology(Kind.REPLICAS, replicas, master, null, reads, null);
	}

	/**
	 * A master whose replicas are found from its {@code INFO replication}.
	 * @param master {@code host:port} of the master
	 * @param reads where reads go
	 * @return the topology
	 */
	public static PoolTopology discovered(String master, Reads reads) {
		return new PoolTopology(Kind.DISCOVERED, List.of(), master, null, reads, null);
	}

	/**
	 * A master and its replicas, found and followed through failovers by the given sentinels.
	 * @param master the master name the sentinels monitor
	 * @param sentinels {@code host:port} of each sentinel
	 * @param password the sentinels' password, or {@code null}
	 * @param reads where reads go
	 * @return the topology
	 */
	public static PoolTopology sentinel(String master, List<String> sentinels, char[] password, Reads reads) {
		return new PoolTopology(Kind.SENTINEL, sentinels, master, password, reads, null);
	}

	/**
	 * A Redis Cluster, reached through the given seed nodes.
	 * @param nodes {@code host:port} of the seed nodes
	 * @param reads where reads go
	 * @param refreshPeriod how often to refresh the view of the cluster
	 * @return the topology
	 */
	public static PoolTopology cluster(List<String> nodes, Reads reads, Duration refreshPeriod) {
		return new PoolTopology(Kind.CLUSTER, nodes, null, null, reads, refreshPeriod);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof PoolTopology that && this.kind == that.kind && this.nodes.equals(that.nodes)
				&& Objects.equals(this.master, that.master)
				&& Arrays.equals(this.sentinelPassword, that.sentinelPassword) && this.reads == that.reads
				&& Objects.equals(this.refreshPeriod, that.refreshPeriod);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.kind, this.nodes, this.master, this.reads);
	}

	/**
	 * Describe the topology for statistics and logs, without the sentinel password.
	 */
	@Override
	public String toString() {
		return switch (this.kind) {
			case STANDALONE -> "standalone";
			case REPLICAS -> "master " + this.master + ", replicas " + this.nodes + ", reads " + this.reads.id();
			case DISCOVERED -> "master " + this.master + ", discovered replicas, reads " + this.reads.id();
			case SENTINEL -> "sentinel " + this.master + " " + this.nodes + ", reads " + this.reads.id();
			case CLUSTER -> "cluster " + this.nodes + ", reads " + this.reads.id();
		};
	}

	/**
	 * The kinds of topology.
	 */
	public enum Kind {

		/** One Redis. */
		STANDALONE,

		/** A master and a configured list of replicas. */
		REPLICAS,

		/** A master and the replicas it reports. */
		DISCOVERED,

		/** A master and replicas found through Sentinel. */
		SENTINEL,

		/** A Redis Cluster. */
		CLUSTER;

		/**
		 * Return the kind's lower-case id, as reported in the statistics.
		 * @return the id, for example {@code sentinel}
		 */
		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * Where reads go.
	 */
	public enum Reads {

		/** Reads go to the master, like writes. */
		MASTER,

		/** Reads are spread over the reachable replicas, and go to the master when none is reachable. */
		REPLICAS_THEN_MASTER,

		/** Reads are spread over the reachable replicas, and fail when none is reachable. */
		REPLICAS;

		/**
		 * Return the setting's lower-case id, as reported in the statistics.
		 * @return the id, for example {@code replicas-then-master}
		 */
		public String id() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

}
