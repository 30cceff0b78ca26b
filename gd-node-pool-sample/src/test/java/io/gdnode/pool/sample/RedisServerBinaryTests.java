package io.gdnode.pool.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.gdnode.pool.localredis.LocalRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RedisServerBinary}, with search paths of the test's own making: the machine's
 * {@code PATH} (which may well have a redis-server) is never read.
 */
class RedisServerBinaryTests {

	@TempDir
	Path directory;

	@Test
	void firstExecutableRedisServerOnTheSearchPathIsUsed() throws IOException {
		Path empty = Files.createDirectory(this.directory.resolve("empty"));
		Path notExecutable = Files.createDirectory(this.directory.resolve("not-executable"));
		Files.writeString(notExecutable.resolve("redis-server"), "#!/bin/sh\n");
		Path first = fakeRedisServerIn("first");
		Path second = fakeRedisServerIn("second");
		RedisServerBinary binary = RedisServerBinary.find(searchPath(empty, notExecutable, first, second), "Linux",
				"riscv64");
		assertThat(binary.path()).isEqualTo(first.resolve("redis-server"));
		assertThat(binary.origin()).isEqualTo("found on PATH");
	}

	@Test
	void searchPathWithoutRedisServerFindsNothing() throws IOException {
		Path empty = Files.createDirectory(this.directory.resolve("empty"));
		assertThat(RedisServerBinary.onSearchPath(searchPath(empty, this.directory.resolve("missing")))).isEmpty();
		assertThat(RedisServerBinary.onSearchPath("")).isEmpty();
		assertThat(RedisServerBinary.onSearchPath(null)).isEmpty();
	}

	@Test
	void embeddedBinaryMatchesTheOperatingSystemAndArchitecture() {
		assertThat(RedisServerBinary.embeddedResource("Linux", "amd64")).hasValue("/redis-server-6.2.6-v5-linux-amd64");
		assertThat(RedisServerBinary.embeddedResource("Linux", "aarch64")).hasValue("/redis-server-6.2.7-linux-arm64");
		assertThat(RedisServerBinary.embeddedResource("Linux", "i386")).hasValue("/redis-server-6.2.7-linux-386");
		assertThat(RedisServerBinary.embeddedResource("Mac OS X", "x86_64"))
			.hasValue("/redis-server-6.2.6-v5-darwin-amd64");
		assertThat(RedisServerBinary.embeddedResource("Mac OS X", "aarch64"))
			.hasValue("/redis-server-6.2.6-v5-darwin-arm64");
	}

	@Test
	void platformsWithoutAnEmbeddedBinaryHaveNone() {
		assertThat(RedisServerBinary.embeddedResource("Linux", "arm")).isEmpty();
		assertThat(RedisServerBinary.embeddedResource("Linux", "riscv64")).isEmpty();
		assertThat(RedisServerBinary.embeddedResource("Linux", "s390x")).isEmpty();
		assertThat(RedisServerBinary.embeddedResource("Mac OS X", "x86")).isEmpty();
		assertThat(RedisServerBinary.embeddedResource("Windows 11", "amd64")).isEmpty();
		assertThat(RedisServerBinary.embeddedResource("FreeBSD", "amd64")).isEmpty();
	}

	@Test
	void noRedisServerOnThePathAndNoEmbeddedBinaryFailsNamingWhatToInstall() throws IOException {
		Path empty = Files.createDirectory(this.directory.resolve("empty"));
		assertThatIllegalStateException().isThrownBy(() -> RedisServerBinary.find(empty.toString(), "Linux", "arm"))
			.withMessageContaining("redis-server is not on PATH")
			.withMessageContaining("no binary for Linux arm")
			.withMessageContaining("sudo apt-get install redis-server")
			.withMessageContaining("brew install redis");
	}

	@Test
	void withoutRedisServerOnThePathTheEmbeddedBinaryServesMasterAndReplica() throws IOException {
		Path empty = Files.createDirectory(this.directory.resolve("empty"));
		RedisServerBinary binary = RedisServerBinary.find(empty.toString(), System.getProperty("os.name"),
				System.getProperty("os.arch"));
		assertThat(binary.origin()).startsWith("extracted from the embedded-redis jar's redis-server-6.2");
		assertThat(binary.path().getFileName()).hasToString("redis-server");
		assertThat(Files.isExecutable(binary.path())).isTrue();
		try (LocalRedisServer master = LocalRedisServer.start(binary.path());
				LocalRedisServer replica = LocalRedisServer.startReplicaOf(master)) {
			for (LocalRedisServer server : new LocalRedisServer[] { master, replica }) {
				assertThat(server.command("INFO", "server")).contains("redis_version:6.2.",
						"executable:" + binary.path());
			}
			assertThat(master.command("SET", "note:1", "from the master")).isEqualTo("OK");
			assertThat(eventually(() -> "from the master".equals(replica.command("GET", "note:1")))).isTrue();
			assertThat(replica.command("INFO", "replication")).contains("role:slave", "master_port:" + master.port());
		}
	}

	private Path fakeRedisServerIn(String name) throws IOException {
		Path bin = Files.createDirectory(this.directory.resolve(name));
		Path binary = Files.writeString(bin.resolve("redis-server"), "#!/bin/sh\n");
		assertThat(binary.toFile().setExecutable(true)).isTrue();
		return bin;
	}

	private static String searchPath(Path... directories) {
		return Arrays.stream(directories).map(Path::toString).collect(Collectors.joining(File.pathSeparator));
	}

	private static boolean eventually(BooleanSupplier condition) {
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

}
