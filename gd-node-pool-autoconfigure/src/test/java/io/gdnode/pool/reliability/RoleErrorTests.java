package io.gdnode.pool.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.gdnode.pool.actuate.RedisPoolsEndpoint;
import io.gdnode.pool.actuate.RolePoolHealthIndicator;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.client.RoleConnectionFactory;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.SharedPoolRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A master demoted to a replica, a wrong password and a user without write
 * permission. Every error reaches the caller as the Spring exception it always was, with a
 * message that names the pool, the endpoint and what happened, and never shows a password.
 */
@ExtendWith(OutputCaptureExtension.class)
class RoleErrorTests {

	private static final AtomicInteger applications = new AtomicInteger();

	private static int infoCalls;

	private final String application = "role-error-" + applications.incrementAndGet();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("redis.client.name=" + this.application, "redis.timeout.command=5s",
				"redis.timeout.connect=2s", "redis.timeout.reconnect=1s");

	/**
	 * After the replica is promoted ({@code REPLICAOF NO ONE}) and the old master
	 * demoted ({@code REPLICAOF host port}), every write through the master role fails with a
	 * {@link RedisSystemException} that names the pool and endpoint and says the server is now a
	 * replica; none is silently lost (none shows up on either server). Without Sentinel the
	 * starter does not re-resolve the master: the message says to point the URL at the new one.
	 */
	@Test
	void writesToADemotedMasterFailNamingPoolEndpointAndReadOnly() {
		try (LocalRedisServer master = LocalRedisServer.start();
				LocalRedisServer replica = LocalRedisServer.startReplicaOf(master)) {
			this.contextRunner.withPropertyValues("redis.master.url=" + master.url(), "redis.slave.url=" + replica.url())
				.run((context) -> {
					StringRedisTemplate writes = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
					writes.opsForValue().set("before", "1");
					assertThat(replica.command("REPLICAOF", "NO", "ONE")).isEqualTo("OK");
					assertThat(master.command("REPLICAOF", replica.host(), String.valueOf(replica.port())))
						.isEqualTo("OK");
					long start = System.nanoTime();
					List<DataAccessException> failures = new ArrayList<>();
					for (int i = 0; i < 20; i++) {
						String key = "after-" + i;
						DataAccessException failure = catchThrowableOfType(DataAccessException.class,
								() -> writes.opsForValue().set(key, "lost?"));
						assertThat(failure).as("write %d", i).isNotNull();
						failures.add(failure);
						assertThat(replica.command("EXISTS", key)).isEqualTo("0");
						assertThat(master.command("EXISTS", key)).isEqualTo("0");
					}
					Duration took = Duration.ofNanos(System.nanoTime() - start);
					DataAccessException last = failures.get(failures.size() - 1);
					assertThat(failures).allSatisfy((failure) -> assertThat(failure).isInstanceOf(RedisSystemException.class)
						.hasMessageContaining("Redis pool 'master' (redis://" + master.host() + ":" + master.port() + "/0)")
						.hasMessageContaining("the server is now a replica")
						.hasMessageContaining("READONLY"));
					FailureReport.record("6. master demoted by REPLICAOF, replica promoted",
							"20 of 20 writes through the master role failed (none applied on either server) within "
									+ FailureReport.format(took) + ", each a " + last.getClass().getSimpleName() + ": \""
									+ last.getMessage() + "\"; roles are not re-resolved without Sentinel");
				});
		}
	}

	/**
	 * A wrong password fails every caller with a {@link RedisConnectionFailureException}
	 * naming pool, endpoint and {@code WRONGPASS}; the password appears in no log line, exception
	 * message, statistics or health output; and 8 callers asking for 3 s make a bounded number of
	 * connection attempts (counted by Redis).
	 */
	@Test
	void wrongPasswordFailsClearlyWithoutShowingItOrRetryingBusily(CapturedOutput output) throws Exception {
		try (LocalRedisServer redis = LocalRedisServer.start()) {
			redis.command("ACL", "SETUSER", "app", "on", ">right-Secret-1", "~*", "+@all");
			String url = "redis://app:wrong-Secret-2@" + redis.host() + ":" + redis.port();
			this.contextRunner.withPropertyValues("redis.master.url=" + url).run((context) -> {
				StringRedisTemplate template = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
				long acceptedBefore = info(redis, "total_connections_received");
				List<String> messages = hammer(template, 8, Duration.ofSeconds(3));
				long attempts = info(redis, "total_connections_received") - acceptedBefore;
				String failure = messages.get(0);
				assertThat(failure).startsWith(RedisConnectionFailureException.class.getName())
					.contains("Redis pool 'master'")
					.contains("redis://app@" + redis.host() + ":" + redis.port() + "/0")
					.contains("WRONGPASS");
				String stats = context.getBean(SharedPoolRegistry.class).getPoolStats().toString()
						+ new RedisPoolsEndpoint(context.getBean(SharedPoolRegistry.class)).pools();
				String health = new RolePoolHealthIndicator(
						context.getBean("masterRedisConnectionFactory", RoleConnectionFactory.class).getPool(),
						Duration.ofSeconds(1), true)
					.health()
					.toString();
				assertThat(health).contains("WRONGPASS");
				assertThat(List.of(String.join("\n", messages), stats, health, output.getAll()))
					.allSatisfy((text) -> assertThat(text).doesNotContain("wrong-Secret-2").doesNotContain("right-Secret-1"));
				assertThat(attempts / 3.0).as("connection attempts per second").isLessThanOrEqualTo(5.0);
				FailureReport.record("8a. wrong password (8 callers, 3 s)", String.format(Locale.ROOT,
						"%d calls all failed: \"%s\"; %d connection attempts (%.1f/s); no password in logs, "
								+ "exceptions, statistics or health",
						messages.size(), failure, attempts, attempts / 3.0));
			});
		}
	}

	/**
	 * A user allowed to read but not to write reads fine, and every write fails with a
	 * {@link RedisSystemException} naming pool, endpoint (with the user) and {@code NOPERM}; the
	 * password shows nowhere, and the refusal costs no reconnect.
	 */
	@Test
	void userWithoutWritePermissionFailsWritesClearly(CapturedOutput output) {
		try (LocalRedisServer redis = LocalRedisServer.start()) {
			redis.command("ACL", "SETUSER", "reader", "on", ">reader-Secret-3", "~*", "+@read", "+@connection");
			redis.command("SET", "k", "v");
			String url = "redis://reader:reader-Secret-3@" + redis.host() + ":" + redis.port();
			this.contextRunner.withPropertyValues("redis.master.url=" + url).run((context) -> {
				StringRedisTemplate template = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
				assertThat(template.opsForValue().get("k")).isEqualTo("v");
				long acceptedBefore = info(redis, "total_connections_received");
				List<DataAccessException> failures = new ArrayList<>();
				for (int i = 0; i < 50; i++) {
					failures.add(catchThrowableOfType(DataAccessException.class, () -> template.opsForValue().set("k", "w")));
				}
				long reconnects = info(redis, "total_connections_received") - acceptedBefore;
				assertThat(failures).allSatisfy((failure) -> assertThat(failure).isInstanceOf(RedisSystemException.class)
					.hasMessageContaining("Redis pool 'master' (redis://reader@" + redis.host() + ":" + redis.port() + "/0)")
					.hasMessageContaining("NOPERM"));
				assertThat(redis.command("GET", "k")).isEqualTo("v");
				assertThat(reconnects).isZero();
				assertThat(output.getAll()).doesNotContain("reader-Secret-3");
				assertThat(failures.get(0).getMessage()).doesNotContain("reader-Secret-3");
				FailureReport.record("8b. ACL user without write permission", "reads work; 50 of 50 writes failed at once with "
						+ failures.get(0).getClass().getSimpleName() + ": \"" + failures.get(0).getMessage() + "\"; "
						+ reconnects + " new connections; no password in logs or messages");
			});
		}
	}

	private static List<String> hammer(StringRedisTemplate template, int callers, Duration duration) throws Exception {
		List<String> messages = Collections.synchronizedList(new ArrayList<>());
		AtomicReference<String> success = new AtomicReference<>();
		ExecutorService executor = Executors.newFixedThreadPool(callers);
		long end = System.nanoTime() + duration.toNanos();
		try {
			List<Future<?>> results = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				results.add(executor.submit(() -> {
					while (System.nanoTime() < end) {
						try {
							template.opsForValue().get("k");
							success.set("a call succeeded");
						}
						catch (DataAccessException ex) {
							messages.add(ex.getClass().getName() + ": " + ex.getMessage());
						}
						Thread.sleep(10);
					}
					return null;
				}));
			}
			for (Future<?> result : results) {
				result.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(success.get()).isNull();
		return messages;
	}

	/**
	 * Read a counter of {@code INFO stats}; {@code total_connections_received} counts the
	 * connection that asks, so it is left out.
	 */
	private static long info(LocalRedisServer redis, String field) {
		for (String line : redis.command("INFO", "stats").split("\r?\n")) {
			if (line.startsWith(field + ":")) {
				long value = Long.parseLong(line.substring(field.length() + 1).trim());
				return field.equals("total_connections_received") ? value - (++infoCalls) : value;
			}
		}
		throw new IllegalStateException("INFO stats has no " + field);
	}

}
