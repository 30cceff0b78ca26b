package io.gdnode.pool.localredis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link LocalRedisServer}. They start real redis-server processes, never on 6379,
 * which may belong to a Redis that is not ours.
 */
class LocalRedisServerTests {

	@Test
	void startsServerThatAnswersPing() {
		try (LocalRedisServer server = LocalRedisServer.start()) {
			assertThat(server.port()).isPositive().isNotEqualTo(6379);
			assertThat(server.host()).isEqualTo("127.0.0.1");
			assertThat(server.url()).isEqualTo("redis://127.0.0.1:" + server.port());
			assertThat(server.url(3)).isEqualTo("redis://127.0.0.1:" + server.port() + "/3");
			assertThat(server.command("PING")).isEqualTo("PONG");
			assertThat(server.command("SET", "greeting", "héllo")).isEqualTo("OK");
			assertThat(server.command("GET", "greeting")).isEqualTo("héllo");
			assertThat(server.command("GET", "missing")).isNull();
			assertThat(server.command("DBSIZE")).isEqualTo("1");
			assertThat(server.command("RPUSH", "list", "a", "b")).isEqualTo("2");
			assertThat(server.command("LRANGE", "list", "0", "-1")).isEqualTo("a\nb");
			assertThat(server.command("NO-SUCH-COMMAND")).startsWith("ERR: ");
			assertThat(server.command("CONFIG", "GET", "save")).isEqualTo("save\n");
		}
	}

	@Test
	void startsIndependentServersOnDistinctPorts() {
		try (LocalRedisServer first = LocalRedisServer.start(); LocalRedisServer second = LocalRedisServer.start()) {
			assertThat(first.port()).isNotEqualTo(second.port());
			first.command("SET", "only-on-first", "1");
			assertThat(second.command("DBSIZE")).isEqualTo("0");
		}
	}

	@Test
	void replicaFollowsMaster() {
		try (LocalRedisServer master = LocalRedisServer.start();
				LocalRedisServer replica = LocalRedisServer.startReplicaOf(master)) {
			assertThat(replica.command("INFO", "replication")).contains("role:slave", "master_link_status:up");
			assertThat(master.command("SET", "k", "v")).isEqualTo("OK");
			assertThat(eventually(() -> "v".equals(replica.command("GET", "k")))).isTrue();
		}
	}

	@Test
	void clientListShowsNamedClients() throws IOException {
		try (LocalRedisServer server = LocalRedisServer.start()) {
			assertThat(server.clientList()).isEmpty();
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(server.host(), server.port()), 5000);
				socket.setSoTimeout(5000);
				socket.getOutputStream().write(Resp.encode("CLIENT", "SETNAME", "gd-test-1"));
				InputStream in = new BufferedInputStream(socket.getInputStream());
				assertThat(Resp.read(in)).isEqualTo("OK");
				List<Map<String, String>> clients = server.clientList();
				assertThat(clients).hasSize(1);
				assertThat(clients.get(0)).containsEntry("name", "gd-test-1").containsKeys("id", "addr", "db");
				assertThat(server.clientsNamed("gd-test")).isEqualTo(1);
				assertThat(server.clientsNamed("other")).isZero();
			}
			assertThat(eventually(() -> server.clientsNamed("gd-test") == 0)).isTrue();
		}
	}

	@Test
	void closeStopsProcess() {
		LocalRedisServer server = LocalRedisServer.start();
		long pid = server.pid();
		server.close();
		server.close();
		Optional<ProcessHandle> handle = ProcessHandle.of(pid);
		assertThat(handle.map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
		assertThat(Files.exists(server.directory())).isFalse();
		assertThatThrownBy(() -> server.command("PING")).isInstanceOf(UncheckedIOException.class);
	}

	@Test
	void sentinelMonitorsTheMasterAndCleansUpItsConfiguration() {
		try (LocalRedisServer master = LocalRedisServer.start()) {
			LocalRedisServer sentinel = LocalRedisServer.startSentinel("watched", master, Duration.ofSeconds(1),
					Duration.ofSeconds(5));
			assertThat(sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "watched"))
				.isEqualTo("127.0.0.1\n" + master.port());
			assertThat(Files.exists(sentinel.directory().resolve("sentinel.conf"))).isTrue();
			sentinel.close();
			assertThat(Files.exists(sentinel.directory())).isFalse();
		}
	}

	@Test
	void restartedSentinelIsStillASentinelMonitoringTheSameMaster() {
		try (LocalRedisServer master = LocalRedisServer.start()) {
			LocalRedisServer sentinel = LocalRedisServer.startSentinel("watched", master, Duration.ofSeconds(1),
					Duration.ofSeconds(5), "sentinel-secret");
			sentinel.kill();
			try (LocalRedisServer restarted = sentinel.restart()) {
				assertThat(restarted.port()).isEqualTo(sentinel.port());
				assertThat(restarted.command("INFO", "server")).contains("redis_mode:sentinel");
				assertThat(restarted.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "watched"))
					.isEqualTo("127.0.0.1\n" + master.port());
			}
		}
	}

	@Test
	void restartedServerKeepsItsArgumentsAndItsAppendOnlyData() {
		LocalRedisServer server = LocalRedisServer.start("--appendonly", "yes", "--appendfsync", "always");
		server.command("SET", "kept", "1");
		server.kill();
		try (LocalRedisServer restarted = server.restart()) {
			assertThat(restarted.command("INFO", "server")).contains("redis_mode:standalone");
			assertThat(restarted.command("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nyes");
			assertThat(restarted.command("GET", "kept")).isEqualTo("1");
		}
	}

	@Test
	void serverStartedFromAGivenBinaryRunsItForItsReplicaToo(@TempDir Path directory) throws IOException {
		Path binary;
		try (LocalRedisServer probe = LocalRedisServer.start()) {
			// Not INFO's executable: Redis makes that of a bare "redis-server" relative to its working directory.
			String command = ProcessHandle.of(probe.pid()).flatMap((process) -> process.info().command()).orElseThrow();
			binary = Files.createSymbolicLink(directory.resolve("redis-server"), Path.of(command));
		}
		assertThat(LocalRedisServer.available(binary)).isTrue();
		assertThat(LocalRedisServer.available(directory.resolve("missing"))).isFalse();
		try (LocalRedisServer master = LocalRedisServer.start(binary);
				LocalRedisServer replica = LocalRedisServer.startReplicaOf(master)) {
			assertThat(executable(master)).isEqualTo(binary.toString());
			assertThat(executable(replica)).isEqualTo(binary.toString());
		}
	}

	@Test
	void killStopsTheProcessAtOnceAndCloseStillCleansUp() {
		LocalRedisServer server = LocalRedisServer.start();
		long pid = server.pid();
		server.kill();
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
		server.close();
		assertThat(Files.exists(server.directory())).isFalse();
	}

	@Test
	void missingBinaryFailsWithInstallHint() {
		String previous = System.getProperty("redis.server.binary");
		System.setProperty("redis.server.binary", "/nonexistent/redis-server");
		try {
			assertThat(LocalRedisServer.configuredBinary()).hasValue("/nonexistent/redis-server");
			assertThat(LocalRedisServer.available()).isFalse();
			assertThatIllegalStateException().isThrownBy(LocalRedisServer::start)
				.withMessageStartingWith(LocalRedisServer.NOT_FOUND_MESSAGE);
		}
		finally {
			if (previous == null) {
				System.clearProperty("redis.server.binary");
			}
			else {
				System.setProperty("redis.server.binary", previous);
			}
		}
	}

	/** The binary the server runs, as it reports it. */
	private static String executable(LocalRedisServer server) {
		return server.command("INFO", "server")
			.lines()
			.filter((line) -> line.startsWith("executable:"))
			.map((line) -> line.substring("executable:".length()))
			.findFirst()
			.orElseThrow();
	}

	private static boolean eventually(BooleanSupplier condition) {
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return true;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

}
