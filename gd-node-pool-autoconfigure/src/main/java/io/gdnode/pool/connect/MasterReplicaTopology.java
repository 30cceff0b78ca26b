package io.gdnode.pool.connect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.gdnode.pool.PoolNode;
import io.gdnode.pool.PoolTopology;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * Opens Lettuce master/replica connections: writes go to the master, reads where the topology
 * says. The master and replicas are a configured list, the replicas the master reports, or what
 * the sentinels say, in which case the connections follow a failover to the promoted replica.
 */
final class MasterReplicaTopology implements Topology {

	private final RedisClient client;

	private final PoolTopology topology;

	/** The master and replicas as the pool's connections last saw them, {@code null} before any read. */
	private volatile List<PoolNode> seen;

	/** The listed master and replicas, as {@code host:port}; empty unless the topology is a list. */
	private final Set<String> listed;

	private final long recheckNanos;

	private final AtomicLong nextRecheck = new AtomicLong(System.nanoTime());

	/** The servers found answering that some connection did not know, and when. */
	private volatile Found found = new Found(Set.of(), System.nanoTime());

	/** The pool's URI, for probes: credentials, database, TLS and client name. */
	private final RedisURI uri;

	/**
	 * @param recheck how often, at most, the pool looks for servers its connections do not know
	 */
	MasterReplicaTopology(RedisURI uri, PoolTopology topology, ClientResources resources, ClientOptions options,
			Duration recheck) {
		this.client = RedisClient.create(resources);
		this.client.setOptions(options);
		this.topology = topology;
		this.uri = uri;
		this.listed = (topology.kind() != PoolTopology.Kind.REPLICAS) ? Set.of()
				: nodes(uri).stream().map(MasterReplicaTopology::address).collect(Collectors.toUnmodifiableSet());
		this.recheckNanos = recheck.toNanos();
	}

	@Override
	public <K, V> CompletableFuture<StatefulConnection<K, V>> connect(RedisCodec<K, V> codec, RedisURI uri, boolean probe) {
		ReadFrom reads = ReplicaReads.of((probe && this.topology.reads() == PoolTopology.Reads.REPLICAS_THEN_MASTER)
				? PoolTopology.Reads.REPLICAS : this.topology.reads(), (nodes) -> this.seen = nodes);
		CompletableFuture<StatefulRedisMasterReplicaConnection<K, V>> connecting = (this.topology
			.kind() == PoolTopology.Kind.REPLICAS) ? MasterReplica.connectAsync(this.client, codec, nodes(uri))
					: MasterReplica.connectAsync(this.client, codec, target(uri));
		return connecting.thenApply((connection) -> {
			connection.setReadFrom(reads);
			return connection;
		});
	}

	/**
	 * Lettuce learns the servers of a list, or the replicas the master reports, when a connection
	 * opens; one that was down then, or a replica added since, stays unknown to that connection.
	 * While the pool is used, it looks for such servers now and then; once one answers, each
	 * connection opened before that and not knowing it is replaced, so that reads reach it.
	 */
	@Override
	public boolean outdated(StatefulConnection<?, ?> connection) {
		PoolTopology.Kind kind = this.topology.kind();
		if ((kind != PoolTopology.Kind.REPLICAS && kind != PoolTopology.Kind.DISCOVERED)
				|| !(((StatefulRedisMasterReplicaConnection<?, ?>) connection).getReadFrom() instanceof ReplicaReads reads)) {
			return false;
		}
		List<PoolNode> view = reads.view();
		if (view == null) {
			// Not read through yet: nothing known to compare.
			return false;
		}
		if (kind == PoolTopology.Kind.DISCOVERED || view.size() < this.listed.size()) {
			lookForUnknownServers(view);
		}
		Found found = this.found;
		return found.nanos() - reads.createdNanos() > 0 && !knowsAll(view, found.servers());
	}

	private void lookForUnknownServers(List<PoolNode> view) {
		long due = this.nextRecheck.get();
		long now = System.nanoTime();
		if (now - due < 0 || !this.nextRecheck.compareAndSet(due, now + this.recheckNanos)) {
			return;
		}
		if (this.topology.kind() == PoolTopology.Kind.DISCOVERED) {
			// Ask the master which replicas it has now.
			probe(this.topology.master(), (commands) -> commands.info("replication")).thenAccept((info) -> {
				Set<String> replicas = onlineReplicas(info);
				if (!knowsAll(view, replicas)) {
					this.found = new Found(replicas, System.nanoTime());
				}
			});
			return;
		}
		for (String address : this.listed) {
			if (!knowsAll(view, Set.of(address))) {
				probe(address, (commands) -> commands.ping()).thenRun(() -> {
					Set<String> servers = new HashSet<>(this.found.servers());
					servers.add(address);
					this.found = new Found(Set.copyOf(servers), System.nanoTime());
				});
			}
		}
	}

	/**
	 * Send one command to one server on a connection of its own, closed after the answer.
	 */
	private <T> CompletableFuture<T> probe(String address,
			Function<RedisAsyncCommands<String, String>, RedisFuture<T>> command) {
		return this.client.connectAsync(StringCodec.UTF8, Topology.at(this.uri, address))
			.toCompletableFuture()
			.thenCompose((connection) -> command.apply(connection.async())
				.whenComplete((answer, ex) -> connection.closeAsync()));
	}

	/**
	 * Return the replicas an {@code INFO replication} answer lists as online, as {@code host:port}.
	 */
	static Set<String> onlineReplicas(String info) {
		Set<String> replicas = new HashSet<>();
		for (String line : info.split("\r?\n")) {
			if (line.startsWith("slave") && line.contains(":ip=") && line.contains(",state=online")) {
				Map<String, String> fields = new HashMap<>();
				for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
					int equals = field.indexOf('=');
					if (equals > 0) {
						fields.put(field.substring(0, equals), field.substring(equals + 1));
					}
				}
				replicas.add(fields.get("ip") + ":" + fields.get("port"));
			}
		}
		return replicas;
	}

	private static boolean knowsAll(List<PoolNode> view, Set<String> servers) {
		for (String server : servers) {
			if (view.stream().noneMatch((node) -> node.address().equals(server))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Servers found answering that some connection did not know, and when they were found.
	 */
	private record Found(Set<String> servers, long nanos) {
	}

	private static String address(RedisURI uri) {
		return uri.getHost() + ":" + uri.getPort();
	}

	/**
	 * Return the master and the replicas, each with the credentials, database and TLS of the pool.
	 */
	private List<RedisURI> nodes(RedisURI uri) {
		List<RedisURI> nodes = new ArrayList<>();
		nodes.add(Topology.at(uri, this.topology.master()));
		for (String replica : this.topology.nodes()) {
			nodes.add(Topology.at(uri, replica));
		}
		return nodes;
	}

	/**
	 * Return the URI that finds the master: the master itself, or the sentinels.
	 */
	private RedisURI target(RedisURI uri) {
		if (this.topology.kind() != PoolTopology.Kind.SENTINEL) {
			return Topology.at(uri, this.topology.master());
		}
		// A builder copied from a URI with a host refuses sentinels: copy what the data nodes need.
		RedisURI.Builder builder = RedisURI.builder()
			.withSentinelMasterId(this.topology.master())
			.withDatabase(uri.getDatabase())
			.withSsl(uri.isSsl())
			.withVerifyPeer(uri.getVerifyMode())
			.withTimeout(uri.getTimeout())
			.withClientName(uri.getClientName());
		builder.withAuthentication(uri.getCredentialsProvider());
		for (String sentinel : this.topology.nodes()) {
			RedisURI address = RedisURI.create("redis://" + sentinel);
			if (this.topology.sentinelPassword() != null) {
				builder.withSentinel(address.getHost(), address.getPort(),
						String.valueOf(this.topology.sentinelPassword()));
			}
			else {
				builder.withSentinel(address.getHost(), address.getPort());
			}
		}
		return builder.build();
	}

	@Override
	public <K, V> CompletableFuture<StatefulRedisPubSubConnection<K, V>> connectPubSub(RedisCodec<K, V> codec,
			RedisURI uri) {
		// Messages published anywhere reach the master's subscribers: subscribe on the master.
		return this.client.connectPubSubAsync(codec, target(uri)).toCompletableFuture();
	}

	/**
	 * Send an ECHO rather than a PING: Lettuce routes ECHO as a read, PING as a write, and a slave
	 * pool's check is about whether its reads are answered.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public CompletableFuture<String> ping(StatefulConnection<?, ?> connection) {
		return ((StatefulRedisConnection<String, String>) connection).async().echo("PONG").toCompletableFuture();
	}

	/**
	 * Return the master and replicas as the pool's connections last saw them (reads and health
	 * checks refresh that view), or as configured before any read; and the sentinels.
	 */
	@Override
	public List<PoolNode> nodes() {
		List<PoolNode> nodes = new ArrayList<>();
		if (this.topology.kind() == PoolTopology.Kind.SENTINEL) {
			this.topology.nodes().forEach((node) -> nodes.add(new PoolNode(node, "sentinel")));
		}
		List<PoolNode> seen = this.seen;
		if (seen != null) {
			nodes.addAll(seen);
		}
		else if (this.topology.kind() != PoolTopology.Kind.SENTINEL) {
			nodes.add(new PoolNode(this.topology.master(), "master"));
			this.topology.nodes().forEach((node) -> nodes.add(new PoolNode(node, "replica")));
		}
		return nodes;
	}

	@Override
	public void shutdown(Duration timeout) {
		this.client.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

}
