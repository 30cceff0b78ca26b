package io.gdnode.pool.topology;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gdnode.pool.PoolStats;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.SharedPoolRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * TLS through Spring Boot SSL bundles, each usual misconfiguration failing fast and clearly, and
 * ACL users per role, against real {@code redis-server} processes with certificates made here.
 */
class TlsAndAclTests {

	/** Generous: the first TLS handshakes of a JVM cost seconds of CPU on a loaded 2-core machine. */
	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	/** The connect bound of the tests that expect a connection to fail, well below the command timeout. */
	private static final Duration FAILING_CONNECT_TIMEOUT = Duration.ofSeconds(2);

	@TempDir
	static Path directory;

	private static TestCertificates certificates;

	@RegisterExtension
	static final LocalRedisExtension server = LocalRedisExtension.startedWith(() -> startTls("server"));

	/** A server whose certificate names another host. */
	@RegisterExtension
	static final LocalRedisExtension wrongHost = LocalRedisExtension.startedWith(() -> startTls("wrong-host"));

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, SslAutoConfiguration.class))
		.withPropertyValues("redis.timeout.connect=" + CONNECT_TIMEOUT.toMillis() + "ms", "redis.timeout.command=10s",
				"redis.client.name=tls-test",
				"spring.ssl.bundle.pem.redis.truststore.certificate=file:" + certificates().certificate("ca"),
				"spring.ssl.bundle.pem.other.truststore.certificate=file:" + certificates().certificate("other-ca"));

	private static LocalRedisServer startTls(String name) {
		return LocalRedisServer.startTls(certificates().certificate(name), certificates().key(name),
				certificates().certificate("ca"));
	}

	/** The certificates, made once in the class's temp directory by whichever server starts first. */
	private static synchronized TestCertificates certificates() {
		if (certificates == null) {
			certificates = TestCertificates.create(directory);
		}
		return certificates;
	}

	@Test
	void rolesConnectOverTlsWithTheTrustOfTheirSslBundle() {
		this.contextRunner
			.withPropertyValues("redis.master.url=rediss://127.0.0.1:" + server.tlsPort(),
					"redis.master.ssl.bundle=redis")
			.run((context) -> {
				master(context).opsForValue().set("tls", "yes");
				assertThat(server.command("GET", "tls")).isEqualTo("yes");
				PoolStats stats = context.getBean(SharedPoolRegistry.class).getPoolStats("master");
				assertThat(stats.endpoint()).isEqualTo("rediss://127.0.0.1:" + server.tlsPort() + "/0");
			});
	}

	@Test
	void bundleAloneTurnsTlsOnForAPlainUrl() {
		this.contextRunner
			.withPropertyValues("redis.url=redis://127.0.0.1:" + server.tlsPort(), "redis.ssl.bundle=redis")
			.run((context) -> {
				master(context).opsForValue().set("tls-by-bundle", "yes");
				assertThat(context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class)
					.opsForValue()
					.get("tls-by-bundle")).isEqualTo("yes");
			});
	}

	@Test
	void springDataRedisSslBundleTurnsTlsOnForTheRolesItIsTheEndpointOf() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + server.tlsPort(),
					"spring.data.redis.ssl.bundle=redis")
			.run((context) -> {
				master(context).opsForValue().set("tls-by-spring-data-redis", "yes");
				assertThat(server.command("GET", "tls-by-spring-data-redis")).isEqualTo("yes");
				assertThat(context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class)
					.opsForValue()
					.get("tls-by-spring-data-redis")).isEqualTo("yes");
				PoolStats stats = context.getBean(SharedPoolRegistry.class).getPoolStats("master");
				assertThat(stats.endpoint()).isEqualTo("rediss://127.0.0.1:" + server.tlsPort() + "/0");
			});
	}

	@Test
	void plainClientToTlsPortFailsFastSayingSo() {
		assertFailsFastWith("redis.master.url=redis://127.0.0.1:" + server.tlsPort(), null,
				"If that port speaks TLS, use a rediss:// URL");
	}

	@Test
	void tlsClientToPlainPortFailsFastSayingSo() {
		assertFailsFastWith("redis.master.url=rediss://127.0.0.1:" + server.port(), "redis", "If that port does not speak TLS, use a redis:// URL");
	}

	@Test
	void untrustedCertificateFailsFastSayingSo() {
		assertFailsFastWith("redis.master.url=rediss://127.0.0.1:" + server.tlsPort(), "other",
				"TLS certificate is not trusted. Use an SSL bundle whose truststore holds the CA that signed it; "
						+ "check REDIS_MASTER_SSL_BUNDLE (redis.master.ssl.bundle)");
	}

	@Test
	void noBundleMeansTheJdkTrustAndNeverPlaintext() {
		assertFailsFastWith("redis.master.url=rediss://127.0.0.1:" + server.tlsPort(), null,
				"TLS certificate is not trusted");
	}

	@Test
	void certificateForAnotherHostFailsFastSayingSo() {
		assertFailsFastWith("redis.master.url=rediss://127.0.0.1:" + wrongHost.tlsPort(), "redis",
				"not valid for this host name or address");
	}

	@Test
	void readOnlyUserServesTheSlaveRoleNotMasterWritesAndAWrongPasswordFailsClearly() {
		try (LocalRedisServer master = LocalRedisServer.start();
				LocalRedisServer replica = LocalRedisServer.startReplicaOf(master)) {
			for (LocalRedisServer each : List.of(master, replica)) {
				// ACLs are per server: replicas do not receive them from the master.
				assertThat(each.command("ACL", "SETUSER", "reader", "on", ">reader-secret", "~*", "resetchannels",
						"+@read", "+@connection", "+info", "+role")).isEqualTo("OK");
			}
			master.command("SET", "shared", "visible");
			await().atMost(Duration.ofSeconds(5)).until(() -> "visible".equals(replica.command("GET", "shared")));
			this.contextRunner
				.withPropertyValues("redis.master.url=redis://reader:reader-secret@127.0.0.1:" + master.port(),
						"redis.slave.url=redis://reader:reader-secret@127.0.0.1:" + replica.port())
				.run((context) -> {
					StringRedisTemplate slave = context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class);
					assertThat(slave.opsForValue().get("shared")).isEqualTo("visible");
					Throwable failure = catchThrowable(() -> master(context).opsForValue().set("shared", "changed"));
					// Once, on a loaded machine, the write met a master connection that was not connected
					// (cause not found): say what the master saw if that happens again.
					assertThat(messages(failure)).as(() -> "master's clients: " + master.clientList() + ", pools: "
							+ context.getBean(SharedPoolRegistry.class).getPoolStats())
						.contains("NOPERM")
						.doesNotContain("reader-secret");
					assertThat(master.command("GET", "shared")).isEqualTo("visible");
					assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats().toString())
						.contains("reader@").doesNotContain("reader-secret");
				});
			this.contextRunner
				.withPropertyValues("redis.master.url=redis://reader:not-the-secret@127.0.0.1:" + master.port())
				.run((context) -> {
					Throwable failure = catchThrowable(() -> master(context).opsForValue().get("shared"));
					assertThat(messages(failure)).contains("Redis pool 'master' could not connect to redis://reader@")
						.contains("WRONGPASS")
						.doesNotContain("not-the-secret");
				});
		}
	}

	private void assertFailsFastWith(String url, String bundle, String message) {
		List<String> properties = new ArrayList<>(
				List.of(url, "redis.timeout.connect=" + FAILING_CONNECT_TIMEOUT.toMillis() + "ms"));
		if (bundle != null) {
			properties.add("redis.master.ssl.bundle=" + bundle);
		}
		this.contextRunner.withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			long start = System.nanoTime();
			Throwable failure = catchThrowable(() -> master(context).opsForValue().set("k", "v"));
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(messages(failure)).contains(message).contains("Redis pool 'master' could not connect to");
			// Bounded by the connect timeout, not the 10 s command timeout; 3 s of margin for a loaded machine.
			assertThat(took).isLessThan(FAILING_CONNECT_TIMEOUT.plusSeconds(3));
			assertThat(server.command("GET", "k")).isNotEqualTo("v");
		});
	}

	private static StringRedisTemplate master(ApplicationContext context) {
		return context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
	}

	private static String messages(Throwable failure) {
		assertThat(failure).as("an exception").isNotNull();
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getClass().getName()).append(": ").append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

}
