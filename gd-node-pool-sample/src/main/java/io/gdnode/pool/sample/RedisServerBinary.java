package io.gdnode.pool.sample;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.gdnode.pool.localredis.LocalRedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.Architecture;
import redis.embedded.model.OS;
import redis.embedded.model.OsArchitecture;

/**
 * The {@code redis-server} binary the sample starts its own Redis from, and where it came from:
 * the binary configured for {@link LocalRedisServer} ({@code REDIS_SERVER_BINARY}), else
 * {@code redis-server} on {@code PATH}, else the one the {@code embedded-redis} jar ships for
 * this operating system and architecture (Redis 6.2 for Linux and macOS on x86_64 and arm64),
 * extracted to a temp file, so that the sample runs on a machine with only a JDK.
 * @param path the binary to run
 * @param origin where it came from, for the log
 */
record RedisServerBinary(Path path, String origin) {

	private static final String INSTALL_HINT = "Install redis-server (Debian/Ubuntu: sudo apt-get install "
			+ "redis-server; macOS: brew install redis) or point REDIS_URL to a Redis.";

	/** The {@code os.arch} values of the architectures embedded-redis has binaries for. */
	private static final Map<String, Architecture> ARCHITECTURES = Map.of("amd64", Architecture.x86_64, "x86_64",
			Architecture.x86_64, "aarch64", Architecture.aarch64, "arm64", Architecture.aarch64, "x86",
			Architecture.x86, "i386", Architecture.x86, "i686", Architecture.x86);

	/**
	 * Find the binary for this JVM: the configured one, else one on its {@code PATH} or for its
	 * operating system and architecture.
	 * @return the binary
	 * @throws IllegalStateException naming what to install when there is none
	 */
	static RedisServerBinary find() {
		Optional<String> configured = LocalRedisServer.configuredBinary();
		if (configured.isPresent()) {
			return new RedisServerBinary(Path.of(configured.get()), "set by redis.server.binary or REDIS_SERVER_BINARY");
		}
		return find(System.getenv("PATH"), System.getProperty("os.name"), System.getProperty("os.arch"));
	}

	/**
	 * Find {@code redis-server} in the search path, else extract the one embedded-redis ships for
	 * the operating system and architecture.
	 * @param searchPath directories separated by {@link File#pathSeparator}, as in {@code PATH}
	 * @param osName the operating system, as in {@code os.name}
	 * @param osArch the architecture, as in {@code os.arch}
	 * @return the binary
	 * @throws IllegalStateException naming what to install when there is none
	 */
	static RedisServerBinary find(String searchPath, String osName, String osArch) {
		Optional<Path> onPath = onSearchPath(searchPath);
		if (onPath.isPresent()) {
			return new RedisServerBinary(onPath.get(), "found on PATH");
		}
		String platform = osName + " " + osArch;
		String resource = embeddedResource(osName, osArch)
			.orElseThrow(() -> new IllegalStateException("redis-server is not on PATH, and embedded-redis has no "
					+ "binary for " + platform + " (it has Linux on x86, x86_64 and arm64, macOS on x86_64 and arm64). "
					+ INSTALL_HINT));
		Path extracted = extract(resource);
		if (!LocalRedisServer.available(extracted)) {
			throw new IllegalStateException("redis-server is not on PATH, and the binary embedded-redis ships for "
					+ platform + " (" + resource + ") does not run on this machine. " + INSTALL_HINT);
		}
		return new RedisServerBinary(extracted, "extracted from the embedded-redis jar's " + resource.substring(1)
				+ ", as redis-server is not on PATH");
	}

	/**
	 * Return the first executable {@code redis-server} in the search path.
	 * @param searchPath directories separated by {@link File#pathSeparator}, or {@code null}
	 * @return the binary, if any directory has one
	 */
	static Optional<Path> onSearchPath(String searchPath) {
		if (searchPath == null) {
			return Optional.empty();
		}
		// An empty entry means the working directory to a shell; a sample never runs a binary from there.
		return Arrays.stream(searchPath.split(File.pathSeparator))
			.filter((directory) -> !directory.isBlank())
			.map((directory) -> Path.of(directory, "redis-server"))
			.filter((binary) -> Files.isRegularFile(binary) && Files.isExecutable(binary))
			.findFirst();
	}

	/**
	 * Return the name of the resource of the embedded-redis jar that holds {@code redis-server}
	 * for the operating system and architecture; there is none for Windows (the jar's build
	 * there is Redis 5) or an architecture other than x86, x86_64 and arm64.
	 * @param osName the operating system, as in {@code os.name}
	 * @param osArch the architecture, as in {@code os.arch}
	 * @return the resource name, if the jar has a binary for them
	 */
	static Optional<String> embeddedResource(String osName, String osArch) {
		// Not embedded-redis's own OsArchitecture.detectOSandArchitecture(): it runs uname and takes
		// every machine whose name lacks "64" (32-bit ARM, for one) for x86.
		String os = osName.toLowerCase(Locale.ROOT);
		OS system = os.contains("linux") ? OS.UNIX : os.startsWith("mac") ? OS.MAC_OS_X : null;
		Architecture architecture = ARCHITECTURES.get(osArch.toLowerCase(Locale.ROOT));
		if (system == null || architecture == null) {
			return Optional.empty();
		}
		return Optional.ofNullable(ExecutableProvider.newProvidedVersionsMap()
			.get(new OsArchitecture(system, architecture)));
	}

	/** Copy the resource to an executable {@code redis-server} in a new temp directory of this user. */
	private static Path extract(String resource) {
		try (InputStream in = ExecutableProvider.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("The embedded-redis jar on the class path has no " + resource + ". "
						+ INSTALL_HINT);
			}
			Path directory = Files.createTempDirectory("gd-node-redis-");
			Path binary = directory.resolve("redis-server");
			// Deleted at exit in the reverse order of these calls: the binary, then its directory.
			directory.toFile().deleteOnExit();
			binary.toFile().deleteOnExit();
			Files.copy(in, binary);
			if (!binary.toFile().setExecutable(true, true)) {
				throw new IllegalStateException("Could not make " + binary + " executable. " + INSTALL_HINT);
			}
			return binary;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not extract " + resource + " from embedded-redis", ex);
		}
	}

	@Override
	public String toString() {
		return this.path + " (" + this.origin + ")";
	}

}
