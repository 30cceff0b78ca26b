package io.gdnode.pool.localredis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process on a free loopback port, for tests and the sample
 * application. Each instance has its own temp directory and never persists data.
 */
public final class LocalRedisServer implements AutoCloseable {

	static final String NOT_FOUND_MESSAGE = "redis-server was not found on PATH. Install it "
			+ "(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) – tests "
			+ "and the sample start their own Redis servers on free loopback ports.";

	private static final String HOST = "127.0.0.1";
	/** Marks the sentinel configuration among the extra arguments of {@link #spawn}. */
	private static final String SENTINEL_CONFIG = "<sentinel-config>";
	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
	private static final int IO_TIMEOUT_MILLIS = 5000;
	// A freshly probed port can be taken by someone else before redis binds it; a few retries
	// with a new port make that race practically invisible.
	private static final int START_ATTEMPTS = 5;

	private final String binary;
	private final Process process;
	private final int port;
	private final Path directory;
	private final List<String> extraArgs;
	private final Thread shutdownHook;
	private final AtomicBoolean stopped = new AtomicBoolean();
	/** Cleared when {@link #restart()} hands the data directory to the next process. */
	private volatile boolean ownsDirectory = true;
	private volatile int tlsPort;
	private volatile String password;

	private LocalRedisServer(String binary, Process process, int port, Path directory, List<String> extraArgs) {
		this.binary = binary;
		this.process = process;
		this.port = port;
		this.directory = directory;
		this.extraArgs = List.copyOf(extraArgs);
		// Without this, a test JVM that exits without closing (or a sample stopped with Ctrl+C)
		// would leave orphaned redis-server processes behind.
		this.shutdownHook = new Thread(this::stop, "local-redis-" + port + "-shutdown");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/** Starts a standalone server and waits until it answers PING. */
	public static LocalRedisServer start() {
		return launch(LocalRedisServer::freePort, List.of());
	}

	/**
	 * Starts a standalone server from the given {@code redis-server} binary instead of the
	 * default one; its replicas ({@link #startReplicaOf}) and restarts run the same binary.
	 */
	public static LocalRedisServer start(Path binary) {
		return launch(binary.toString(), LocalRedisServer::freePort, List.of(), null, null);
	}

	/**
	 * Starts a standalone server with extra {@code redis-server} arguments, which override the
	 * defaults: for example {@code "--appendonly", "yes", "--appendfsync", "always"} or
	 * {@code "--cluster-enabled", "yes"}.
	 */
	public static LocalRedisServer start(String... extraArgs) {
		return launch(LocalRedisServer::freePort, List.of(extraArgs));
	}

	/** Starts a standalone server on the given port, for example to bring back a Redis that was stopped. */
	public static LocalRedisServer startOn(int port) {
		return launch(() -> port, List.of());
	}

	/** Returns a loopback port that nothing listens on now. */
	public static int freeLoopbackPort() {
		return freePort();
	}

	/**
	 * Starts a standalone server that also listens for TLS on a second free port, with the given
	 * PEM certificate, key and CA (clients need not present a certificate). The plain port stays
	 * open for {@link #command}.
	 */
	public static LocalRedisServer startTls(Path certificate, Path key, Path caCertificate) {
		int tlsPort = freePort();
		LocalRedisServer server = launch(LocalRedisServer::freePort, List.of("--tls-port", String.valueOf(tlsPort),
				"--tls-cert-file", certificate.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file",
				caCertificate.toString(), "--tls-auth-clients", "no"));
		server.tlsPort = tlsPort;
		return server;
	}

	/**
	 * Starts a Sentinel ({@code redis-server <config> --sentinel}) that monitors {@code master}
	 * under the given name with a quorum of 2, takes it as down after {@code downAfter} without an
	 * answer, and may fail over again after {@code failoverTimeout}.
	 */
	public static LocalRedisServer startSentinel(String masterName, LocalRedisServer master, Duration downAfter,
			Duration failoverTimeout) {
		return startSentinel(masterName, master, downAfter, failoverTimeout, null);
	}

	/**
	 * Starts a Sentinel like {@link #startSentinel(String, LocalRedisServer, Duration, Duration)}
	 * whose clients, other sentinels included, must authenticate with {@code password}
	 * ({@code requirepass}); {@link #command} then authenticates first.
	 */
	public static LocalRedisServer startSentinel(String masterName, LocalRedisServer master, Duration downAfter,
			Duration failoverTimeout, String password) {
		String config = "sentinel monitor " + masterName + " " + HOST + " " + master.port() + " 2\n"
				+ "sentinel down-after-milliseconds " + masterName + " " + downAfter.toMillis() + "\n"
				+ "sentinel failover-timeout " + masterName + " " + failoverTimeout.toMillis() + "\n"
				+ "sentinel parallel-syncs " + masterName + " 1\n"
				+ ((password != null) ? "requirepass \"" + password + "\"\n" : "");
		return launch(binary(), LocalRedisServer::freePort, List.of(SENTINEL_CONFIG, config), null, password);
	}

	/**
	 * Starts a replica of {@code master}, from the same binary, and waits until its link to the
	 * master is up.
	 */
	public static LocalRedisServer startReplicaOf(LocalRedisServer master) {
		LocalRedisServer replica = launch(master.binary, LocalRedisServer::freePort,
				List.of("--replicaof", HOST, String.valueOf(master.port())), null, null);
		if (!replica.await(() -> replica.command("INFO", "replication").contains("master_link_status:up"))) {
			String log = replica.logTail();
			replica.close();
			throw new IllegalStateException("Replica of port " + master.port()
					+ " did not report master_link_status:up within 10 s. Log tail:\n" + log);
		}
		return replica;
	}

	/** Whether the redis-server binary (or the configured override) can be executed. */
	public static boolean available() {
		return available(binary());
	}

	/** Whether the given redis-server binary can be executed ({@code --version} succeeds). */
	public static boolean available(Path binary) {
		return available(binary.toString());
	}

	/**
	 * The binary set through the {@code redis.server.binary} system property or the
	 * {@code REDIS_SERVER_BINARY} environment variable, which {@link #start()} runs instead of
	 * {@code redis-server} from {@code PATH}.
	 */
	public static Optional<String> configuredBinary() {
		String binary = binary();
		return "redis-server".equals(binary) ? Optional.empty() : Optional.of(binary);
	}

	private static boolean available(String binary) {
		try {
			Process version = new ProcessBuilder(binary, "--version")
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			boolean exited = version.waitFor(10, TimeUnit.SECONDS);
			version.destroyForcibly();
			return exited && version.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** The loopback address the server binds to. */
	public String host() {
		return HOST;
	}

	/** The TCP port the server listens on. */
	public int port() {
		return this.port;
	}

	/** The TLS port, for a server from {@link #startTls}. */
	public int tlsPort() {
		if (this.tlsPort == 0) {
			throw new IllegalStateException("Port " + this.port + " was not started with TLS");
		}
		return this.tlsPort;
	}

	/** A {@code redis://} URL for database 0. */
	public String url() {
		return "redis://" + HOST + ":" + this.port;
	}

	/** A {@code redis://} URL for the given database. */
	public String url(int database) {
		return url() + "/" + database;
	}

	/**
	 * Sends one command on a fresh connection and returns the reply as text. Errors come back as
	 * {@code "ERR: <message>"} instead of being thrown, so tests can assert on them.
	 */
	public String command(String... args) {
		return exchange(List.<String[]>of(args)).get(0);
	}

	/** The parsed {@code CLIENT LIST} (one map per client), without the connection that asked. */
	public List<Map<String, String>> clientList() {
		// CLIENT ID on the same connection pins down exactly which entry is ours; matching
		// cmd=client|list would also drop idle clients whose last command was CLIENT LIST.
		List<String> replies = exchange(List.of(new String[] { "CLIENT", "ID" }, new String[] { "CLIENT", "LIST" }));
		List<Map<String, String>> clients = new ArrayList<>();
		for (String line : replies.get(1).split("\n")) {
			Map<String, String> fields = new HashMap<>();
			for (String field : line.trim().split(" ")) {
				int equals = field.indexOf('=');
				if (equals > 0) {
					fields.put(field.substring(0, equals), field.substring(equals + 1));
				}
			}
			if (!fields.isEmpty() && !replies.get(0).equals(fields.get("id"))) {
				clients.add(fields);
			}
		}
		return clients;
	}

	/** How many connected clients have a name starting with {@code prefix}. */
	public long clientsNamed(String prefix) {
		return clientList().stream().filter((client) -> client.getOrDefault("name", "").startsWith(prefix)).count();
	}

	/** Stops the process (SIGTERM, then SIGKILL after 5 s) and deletes its temp directory; idempotent. */
	@Override
	public void close() {
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is already shutting down; the hook stops the process anyway.
		}
		stop();
	}

	/**
	 * Sends a signal to the process: {@code STOP} freezes it (its TCP stack still accepts and
	 * acknowledges), {@code CONT} resumes it, {@code TERM} shuts it down gracefully.
	 */
	public void signal(String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).inheritIO().start();
			if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Freezes the process with {@code kill -STOP}: connections still open, nothing is answered. */
	public void pause() {
		signal("STOP");
	}

	/** Resumes a process frozen by {@link #pause()}, with {@code kill -CONT}. */
	public void resume() {
		signal("CONT");
	}

	/** Kills the process with SIGKILL, as a crash would, and waits for it to be gone; the data directory stays for {@link #restart()}. */
	public void kill() {
		signal("KILL");
		awaitExit();
	}

	/** Waits up to 10 s for the process to exit, for example after {@code signal("TERM")}. */
	public void awaitExit() {
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("redis-server on port " + this.port + " did not exit within 10 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Starts redis-server again on the same port with the same arguments and data directory (so an
	 * append-only file is replayed) once this process has exited; the returned server owns the
	 * directory from then on.
	 */
	public LocalRedisServer restart() {
		awaitExit();
		this.ownsDirectory = false;
		this.stopped.set(true);
		return launch(this.binary, () -> this.port, this.extraArgs, this.directory, this.password);
	}

	Path directory() {
		return this.directory;
	}

	long pid() {
		return this.process.pid();
	}

	private void stop() {
		if (!this.stopped.compareAndSet(false, true)) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		if (this.ownsDirectory) {
			deleteDirectory(this.directory);
		}
	}

	private static LocalRedisServer launch(IntSupplier ports, List<String> extraArgs) {
		return launch(binary(), ports, extraArgs, null, null);
	}

	/**
	 * @param binary the redis-server to run
	 * @param directory the data directory to reuse, or {@code null} for a new one
	 * @param password what the harness's own commands authenticate with, or {@code null}
	 */
	private static LocalRedisServer launch(String binary, IntSupplier ports, List<String> extraArgs, Path directory,
			String password) {
		if (!available(binary)) {
			throw new IllegalStateException(NOT_FOUND_MESSAGE
					+ ("redis-server".equals(binary) ? "" : " (configured binary: " + binary + ")"));
		}
		String failure = "";
		for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
			LocalRedisServer server = spawn(binary, ports.getAsInt(), extraArgs, directory);
			server.password = password;
			// Checking the pid Redis reports means a PONG from whoever won a port race is never taken for ours.
			String pidLine = "process_id:" + server.pid();
			if (server.await(() -> "PONG".equals(server.command("PING"))
					&& server.command("INFO", "server").contains(pidLine))) {
				return server;
			}
			failure = (server.process.isAlive() ? "redis-server did not answer PING within 10 s"
					: "redis-server exited before answering PING") + " (port " + server.port + ", attempt "
					+ attempt + "). Log tail:\n" + server.logTail();
			// A failed restart must not delete the data directory it was handed.
			server.ownsDirectory = (directory == null);
			server.close();
			if (!failure.contains("Address already in use")) {
				break;
			}
		}
		throw new IllegalStateException(failure);
	}

	private static LocalRedisServer spawn(String binary, int port, List<String> extraArgs, Path reused) {
		Path directory = reused;
		try {
			if (directory == null) {
				directory = Files.createTempDirectory("local-redis-");
			}
			List<String> command = new ArrayList<>(List.of(binary));
			List<String> serverArgs = extraArgs;
			int sentinel = extraArgs.indexOf(SENTINEL_CONFIG);
			if (sentinel >= 0) {
				// A sentinel rewrites its configuration file, which must come first on the command line.
				// A restart keeps the file the sentinel rewrote (what it learnt of replicas, other
				// sentinels and failovers), as a restarted sentinel reads its own file.
				Path config = directory.resolve("sentinel.conf");
				if (!Files.exists(config)) {
					Files.writeString(config, extraArgs.get(sentinel + 1));
				}
				command.addAll(List.of(config.toString(), "--sentinel"));
				serverArgs = extraArgs.subList(0, sentinel);
			}
			// --repl-diskless-sync-delay 0: Redis otherwise waits 5 s before syncing each new replica.
			command.addAll(List.of("--port", String.valueOf(port), "--bind", HOST,
					"--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--dir",
					directory.toString(), "--logfile", "", "--repl-diskless-sync-delay", "0"));
			command.addAll(serverArgs);
			Process process = new ProcessBuilder(command).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("redis.log").toFile())
				.start();
			// The arguments as given, sentinel marker included, so that restart() starts a sentinel again.
			return new LocalRedisServer(binary, process, port, directory, extraArgs);
		}
		catch (IOException ex) {
			if (reused == null) {
				deleteDirectory(directory);
			}
			throw new UncheckedIOException("Could not start redis-server", ex);
		}
	}

	/** Sends the commands pipelined on one fresh connection and returns their replies in order. */
	private List<String> exchange(List<String[]> commands) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, this.port), IO_TIMEOUT_MILLIS);
			socket.setSoTimeout(IO_TIMEOUT_MILLIS);
			InputStream in = new BufferedInputStream(socket.getInputStream());
			if (this.password != null) {
				socket.getOutputStream().write(Resp.encode("AUTH", this.password));
				Resp.read(in);
			}
			for (String[] args : commands) {
				socket.getOutputStream().write(Resp.encode(args));
			}
			List<String> replies = new ArrayList<>();
			for (int i = 0; i < commands.size(); i++) {
				replies.add(Resp.read(in));
			}
			return replies;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis command failed on port " + this.port, ex);
		}
	}

	/** Polls until the condition holds, the process exits, or the startup timeout passes. */
	private boolean await(BooleanSupplier condition) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline && this.process.isAlive()) {
			try {
				if (condition.getAsBoolean()) {
					return true;
				}
				Thread.sleep(50);
			}
			catch (UncheckedIOException ex) {
				// Not accepting connections yet; keep polling until the deadline.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	private String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.directory.resolve("redis.log"), StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(log unavailable: " + ex + ")";
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free loopback port", ex);
		}
	}

	private static String binary() {
		String binary = System.getProperty("redis.server.binary");
		if (binary == null || binary.isBlank()) {
			binary = System.getenv("REDIS_SERVER_BINARY");
		}
		return (binary == null || binary.isBlank()) ? "redis-server" : binary.trim();
	}

	private static void deleteDirectory(Path directory) {
		if (directory == null || !Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// Best effort: a leftover temp dir is harmless and must not fail a test.
		}
	}

}
