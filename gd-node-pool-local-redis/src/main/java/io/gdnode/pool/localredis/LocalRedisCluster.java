package io.gdnode.pool.localredis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real Redis Cluster on loopback: {@code masters} masters with one replica each, created with
 * {@code redis-cli --cluster create}, for tests. Closing it stops every node and deletes its
 * temp directory.
 */
public final class LocalRedisCluster implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private final List<LocalRedisServer> nodes;

	private LocalRedisCluster(List<LocalRedisServer> nodes) {
		this.nodes = nodes;
	}

	/**
	 * Start the nodes, create the cluster and wait until every node reports every slot served.
	 * @param masters how many masters; each gets one replica
	 * @param nodeTimeout how long a node may not answer before the cluster fails it over
	 */
	public static LocalRedisCluster start(int masters, Duration nodeTimeout) {
		List<LocalRedisServer> nodes = new ArrayList<>();
		try {
			for (int i = 0; i < masters * 2; i++) {
				nodes.add(LocalRedisServer.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
						"--cluster-node-timeout", String.valueOf(nodeTimeout.toMillis())));
			}
			LocalRedisCluster cluster = new LocalRedisCluster(nodes);
			cluster.create();
			return cluster;
		}
		catch (RuntimeException ex) {
			nodes.forEach(LocalRedisServer::close);
			throw ex;
		}
	}

	private void create() {
		List<String> arguments = new ArrayList<>(List.of("create"));
		this.nodes.forEach((node) -> arguments.add(node.host() + ":" + node.port()));
		arguments.addAll(List.of("--cluster-replicas", "1"));
		cluster(arguments);
		if (!await(this::ready)) {
			throw new IllegalStateException("The cluster did not report cluster_state:ok and its replicas on every node within "
					+ READY_TIMEOUT.toSeconds() + " s");
		}
	}

	private boolean ready() {
		return this.nodes.stream().allMatch((node) -> {
			String info = node.command("CLUSTER", "INFO");
			return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")
					&& info.contains("cluster_known_nodes:" + this.nodes.size()) && seesEveryReplica(node);
		}) && masters().size() * 2 == this.nodes.size();
	}

	/**
	 * Whether the node's own layout (CLUSTER NODES) shows every replica as one. A new cluster's
	 * nodes learn of the replicas by gossip: a client that read the layout from a node that had not
	 * yet would take a replica for a master without slots, and send it writes.
	 */
	private boolean seesEveryReplica(LocalRedisServer node) {
		long replicas = node.command("CLUSTER", "NODES")
			.lines()
			.filter((line) -> line.split(" ")[2].contains("slave"))
			.count();
		return replicas * 2 == this.nodes.size();
	}

	/**
	 * Wait, within the cluster's start-up bound, until the condition holds.
	 * @return whether it held in time
	 */
	public boolean await(BooleanSupplier condition) {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (condition.getAsBoolean()) {
					return true;
				}
			}
			catch (RuntimeException ex) {
				// A node that is not answering yet; ask again.
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	/**
	 * Move slots, with their keys, from one master to another ({@code redis-cli --cluster reshard}).
	 * @param from the master giving slots
	 * @param to the master taking them
	 * @param slots how many slots to move
	 */
	public void reshard(LocalRedisServer from, LocalRedisServer to, int slots) {
		cluster(List.of("reshard", to.host() + ":" + to.port(), "--cluster-from", from.command("CLUSTER", "MYID"),
				"--cluster-to", to.command("CLUSTER", "MYID"), "--cluster-slots", String.valueOf(slots)));
	}

	/**
	 * Make a replica its master's master with a manual failover ({@code CLUSTER FAILOVER}), and wait
	 * until every node agrees.
	 * @param replica the replica to promote
	 */
	public void promote(LocalRedisServer replica) {
		replica.command("CLUSTER", "FAILOVER");
		String id = replica.command("CLUSTER", "MYID");
		if (!await(() -> isMaster(replica) && this.nodes.stream()
			.filter(LocalRedisCluster::isMaster)
			.allMatch((node) -> node.command("CLUSTER", "NODES").lines()
				.anyMatch((line) -> line.startsWith(id + " ") && line.contains("master"))))) {
			throw new IllegalStateException("Replica " + replica.port() + " was not promoted within "
					+ READY_TIMEOUT.toSeconds() + " s");
		}
	}

	private void cluster(List<String> arguments) {
		List<String> command = new ArrayList<>(List.of(cli(), "--cluster"));
		command.addAll(arguments);
		command.add("--cluster-yes");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("redis-cli --cluster " + arguments.get(0) + " failed:\n" + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("redis-cli was not found next to redis-server; it creates the cluster", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Every node, masters and replicas. */
	public List<LocalRedisServer> nodes() {
		return List.copyOf(this.nodes);
	}

	/** The nodes that are masters now, as each says of itself ({@code ROLE}). */
	public List<LocalRedisServer> masters() {
		return this.nodes.stream().filter(LocalRedisCluster::isMaster).toList();
	}

	private static boolean isMaster(LocalRedisServer node) {
		try {
			return node.command("ROLE").startsWith("master\n");
		}
		catch (RuntimeException ex) {
			// Stopped or killed: not a master any more.
			return false;
		}
	}

	/** The seed list a client is configured with: {@code host:port,host:port,...}. */
	public String seeds() {
		return String.join(",", this.nodes.stream().map((node) -> node.host() + ":" + node.port()).toList());
	}

	@Override
	public void close() {
		this.nodes.forEach(LocalRedisServer::close);
	}

	private static String cli() {
		String server = System.getProperty("redis.server.binary", System.getenv("REDIS_SERVER_BINARY"));
		if (server != null && !server.isBlank() && server.contains("/")) {
			return server.substring(0, server.lastIndexOf('/') + 1) + "redis-cli";
		}
		return "redis-cli";
	}

}
