package io.gdnode.pool.localredis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A JUnit extension that owns a real {@code redis-server} on a free loopback port, with its
 * replicas and sentinels if asked for, so a test class declares what it needs instead of
 * starting and stopping processes itself:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final LocalRedisExtension redis = LocalRedisExtension.standalone().withReplicas(1);
 *
 * &#64;Test
 * void readsFromTheReplica() {
 *     ... "redis.master.url=" + redis.url(), "redis.slave.url=" + redis.replica().url() ...
 * }
 * </pre>
 *
 * In a static field the processes start before the first test of the class and stop after the
 * last; in an instance field they start before each test and stop after it, for tests that stop,
 * kill or fail over what they were given. Stopping a process in a test is fine: stopping is
 * idempotent.
 */
public final class LocalRedisExtension extends LocalRedisLifecycle<LocalRedisExtension.Servers> {

	private final Supplier<LocalRedisServer> server;

	private final List<Consumer<LocalRedisServer>> setup = new ArrayList<>();

	private int replicas;

	private SentinelSettings sentinel;

	private LocalRedisExtension(Supplier<LocalRedisServer> server) {
		this.server = server;
	}

	/**
	 * A standalone server with the given extra {@code redis-server} arguments, if any: for example
	 * {@code "--appendonly", "yes", "--appendfsync", "always"}.
	 */
	public static LocalRedisExtension standalone(String... arguments) {
		return new LocalRedisExtension(() -> LocalRedisServer.start(arguments));
	}

	/**
	 * A server the test starts its own way, for example with
	 * {@link LocalRedisServer#startTls} once the test's certificates exist; the extension owns
	 * it from then on and stops it.
	 */
	public static LocalRedisExtension startedWith(Supplier<LocalRedisServer> server) {
		return new LocalRedisExtension(server);
	}

	/** Also starts {@code count} replicas of the server, each with its link to it up. */
	public LocalRedisExtension withReplicas(int count) {
		if (count < 0) {
			throw new IllegalArgumentException("Replica count must be 0 or more, was " + count);
		}
		this.replicas = count;
		return this;
	}

	/**
	 * Also starts {@code count} sentinels monitoring the server as {@code masterName} (see
	 * {@link LocalRedisServer#startSentinel(String, LocalRedisServer, Duration, Duration, String)})
	 * and waits until each of them knows every replica and every other sentinel.
	 * @param password what clients of the sentinels authenticate with, or {@code null} for none
	 */
	public LocalRedisExtension withSentinels(int count, String masterName, Duration downAfter,
			Duration failoverTimeout, String password) {
		if (count < 1) {
			throw new IllegalArgumentException("Sentinel count must be 1 or more, was " + count);
		}
		this.sentinel = new SentinelSettings(count, masterName, downAfter, failoverTimeout, password);
		return this;
	}

	/**
	 * Runs {@code action} on the server once it answers, before any replica starts: for example
	 * {@code server -> server.command("ACL", "SETUSER", "app", "on", ">secret", "~*", "+@all")}.
	 */
	public LocalRedisExtension whenStarted(Consumer<LocalRedisServer> action) {
		this.setup.add(action);
		return this;
	}

	/** The server (the master when there are replicas). */
	public LocalRedisServer server() {
		return started().server;
	}

	/** The first replica. */
	public LocalRedisServer replica() {
		return replicas().get(0);
	}

	/** The replicas, in the order they started. */
	public List<LocalRedisServer> replicas() {
		List<LocalRedisServer> started = started().replicas;
		if (started.isEmpty()) {
			throw new IllegalStateException("No replicas were asked for: use withReplicas(count)");
		}
		return List.copyOf(started);
	}

	/** The sentinels, in the order they started. */
	public List<LocalRedisServer> sentinels() {
		List<LocalRedisServer> started = started().sentinels;
		if (started.isEmpty()) {
			throw new IllegalStateException("No sentinels were asked for: use withSentinels(...)");
		}
		return List.copyOf(started);
	}

	/**
	 * Restarts one of its servers once it has stopped ({@link LocalRedisServer#restart()}) and
	 * owns the new process from then on: {@link #server()}, {@link #replicas()} and
	 * {@link #sentinels()} return it in place of the old one, and it stops with the others.
	 * @param stopped the server, a replica or a sentinel, killed or stopped by the test
	 * @return the restarted server
	 */
	public LocalRedisServer restart(LocalRedisServer stopped) {
		return started().restart(stopped);
	}

	/** The server's loopback address. */
	public String host() {
		return server().host();
	}

	/** The server's port. */
	public int port() {
		return server().port();
	}

	/** The server's TLS port, for a server started with {@link LocalRedisServer#startTls}. */
	public int tlsPort() {
		return server().tlsPort();
	}

	/** The server's {@code redis://} URL for database 0. */
	public String url() {
		return server().url();
	}

	/** The server's {@code redis://} URL for the given database. */
	public String url(int database) {
		return server().url(database);
	}

	/** Sends one command to the server, as {@link LocalRedisServer#command} does. */
	public String command(String... args) {
		return server().command(args);
	}

	/** The server's clients, as {@link LocalRedisServer#clientList()} reads them. */
	public List<Map<String, String>> clientList() {
		return server().clientList();
	}

	/** How many of the server's clients have a name starting with {@code prefix}. */
	public long clientsNamed(String prefix) {
		return server().clientsNamed(prefix);
	}

	@Override
	Servers start() {
		Servers servers = new Servers(this.server.get());
		try {
			this.setup.forEach((action) -> action.accept(servers.server));
			for (int i = 0; i < this.replicas; i++) {
				servers.replicas.add(LocalRedisServer.startReplicaOf(servers.server));
			}
			if (this.sentinel != null) {
				this.sentinel.start(servers);
			}
			return servers;
		}
		catch (RuntimeException ex) {
			servers.close();
			throw ex;
		}
	}

	/** What one start of the extension runs; closed in reverse order of start. */
	static final class Servers implements AutoCloseable {

		private volatile LocalRedisServer server;

		private final List<LocalRedisServer> replicas = new ArrayList<>();

		private final List<LocalRedisServer> sentinels = new ArrayList<>();

		private Servers(LocalRedisServer server) {
			this.server = server;
		}

		private synchronized LocalRedisServer restart(LocalRedisServer stopped) {
			int replica = this.replicas.indexOf(stopped);
			int sentinel = this.sentinels.indexOf(stopped);
			if (stopped != this.server && replica < 0 && sentinel < 0) {
				throw new IllegalArgumentException("Port " + stopped.port() + " is not a server of this extension");
			}
			LocalRedisServer restarted = stopped.restart();
			if (stopped == this.server) {
				this.server = restarted;
			}
			else if (replica >= 0) {
				this.replicas.set(replica, restarted);
			}
			else {
				this.sentinels.set(sentinel, restarted);
			}
			return restarted;
		}

		@Override
		public void close() {
			this.sentinels.forEach(LocalRedisServer::close);
			this.replicas.forEach(LocalRedisServer::close);
			this.server.close();
		}

	}

	private record SentinelSettings(int count, String masterName, Duration downAfter, Duration failoverTimeout,
			String password) {

		private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(20);

		void start(Servers servers) {
			for (int i = 0; i < this.count; i++) {
				servers.sentinels.add(LocalRedisServer.startSentinel(this.masterName, servers.server, this.downAfter,
						this.failoverTimeout, this.password));
			}
			// Sentinels find each other and the replicas through the master, every second or two.
			String known = "slaves=" + servers.replicas.size() + ",sentinels=" + this.count;
			long deadline = System.nanoTime() + DISCOVERY_TIMEOUT.toNanos();
			while (!servers.sentinels.stream()
				.allMatch((sentinel) -> sentinel.command("INFO", "sentinel").contains(known))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("The sentinels did not all report " + known + " within "
							+ DISCOVERY_TIMEOUT.toSeconds() + " s");
				}
				pause();
			}
		}

		private static void pause() {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for the sentinels", ex);
			}
		}

	}

}
