package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolStats;
import io.gdnode.pool.client.AsyncRedisPool;
import io.gdnode.pool.client.RoleConnectionFactory;
import io.gdnode.pool.localredis.LocalRedisCluster;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's Spring Boot Redis connection ({@code spring.data.redis.*}, or a
 * {@link DataRedisConnectionDetails} bean as Testcontainers' {@code @ServiceConnection} registers)
 * as the default endpoint of the master, slave and async roles, and {@code redis.*} winning over
 * it, against real Redis servers: one the Spring Boot settings name, one the starter's settings name.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringDataRedisSettingsTests {

	private static final String WARNING = "Two Redis endpoints are set";

	private static final AtomicInteger applications = new AtomicInteger();

	/** The server {@code spring.data.redis.*} and the connection details name; user app, password secret. */
	@RegisterExtension
	static final LocalRedisExtension boots = LocalRedisExtension.standalone()
		.whenStarted((server) -> assertThat(server.command("ACL", "SETUSER", "app", "on", ">secret", "~*", "&*", "+@all"))
			.isEqualTo("OK"));

	/** The server {@code redis.*} names. */
	@RegisterExtension
	static final LocalRedisExtension starters = LocalRedisExtension.standalone();

	private final String name = "sdr-test-" + applications.incrementAndGet();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.client-name=" + this.name);

	@Test
	void springDataRedisPropertiesAreTheEndpointOfMasterSlaveAndAsyncWhenNoRedisUrlIsSet(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + boots.port(),
					"spring.data.redis.database=3", "spring.data.redis.username=app",
					"spring.data.redis.password=secret")
			.run((context) -> {
				writeThroughEveryRole(context, "by-properties");
				assertThat(get(boots, 3, this.name + ":master")).isEqualTo("by-properties");
				assertThat(get(boots, 3, this.name + ":async")).isEqualTo("by-properties");
				assertThat(get(boots, 0, this.name + ":master")).isNull();
				assertThat(get(starters, 0, this.name + ":master")).isNull();
				// Every connection of the three roles: user app, database 3, named after the client name.
				List<Map<String, String>> clients = clientsOf(boots);
				assertThat(clients).extracting((client) -> client.get("name"))
					.contains(this.name + "-master", this.name + "-slave", this.name + "-async");
				assertThat(clients).allSatisfy((client) -> {
					assertThat(client.get("user")).isEqualTo("app");
					assertThat(client.get("db")).isEqualTo("3");
				});
				// The local role keeps its default: the loopback Redis.
				PoolDefinition local = context.getBean("localRedisConnectionFactory", RoleConnectionFactory.class)
					.getPool()
					.getDefinition();
				assertThat(local.uri().getHost() + ":" + local.uri().getPort()).isEqualTo("localhost:6379");
			});
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void springDataRedisUrlIsTheMasterEndpointWhenNoRedisUrlIsSet() {
		this.contextRunner.withPropertyValues("spring.data.redis.url=redis://app:secret@127.0.0.1:" + boots.port() + "/4")
			.run((context) -> {
				master(context).opsForValue().set(this.name, "by-url");
				assertThat(get(boots, 4, this.name)).isEqualTo("by-url");
				assertThat(clientsOf(boots)).singleElement().satisfies((client) -> {
					assertThat(client.get("name")).isEqualTo(this.name + "-master");
					assertThat(client.get("user")).isEqualTo("app");
					assertThat(client.get("db")).isEqualTo("4");
				});
			});
	}

	@Test
	void connectionDetailsBeanIsTheEndpointOfMasterSlaveAndAsyncWhenNoRedisUrlIsSet(CapturedOutput output) {
		// As in Spring Boot, a connection details bean wins over spring.data.redis.* properties.
		this.contextRunner.withPropertyValues("spring.data.redis.port=" + starters.port())
			.withBean(DataRedisConnectionDetails.class, () -> details(boots, 5))
			.run((context) -> {
				writeThroughEveryRole(context, "by-details");
				assertThat(get(boots, 5, this.name + ":master")).isEqualTo("by-details");
				assertThat(get(boots, 5, this.name + ":async")).isEqualTo("by-details");
				assertThat(get(starters, 0, this.name + ":master")).isNull();
				assertThat(clientsOf(boots)).hasSizeGreaterThanOrEqualTo(3).allSatisfy((client) -> {
					assertThat(client.get("user")).isEqualTo("app");
					assertThat(client.get("db")).isEqualTo("5");
				});
			});
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void redisUrlWinsOverSpringDataRedisAndOneWarningNamesBoth(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.data.redis.url=redis://app:secret@127.0.0.1:" + boots.port() + "/2",
					"redis.url=" + starters.url())
			.run((context) -> {
				writeThroughEveryRole(context, "by-redis-url");
				assertThat(get(starters, 0, this.name + ":master")).isEqualTo("by-redis-url");
				assertThat(get(starters, 0, this.name + ":async")).isEqualTo("by-redis-url");
				assertThat(get(boots, 2, this.name + ":master")).isNull();
				assertThat(clientsOf(boots)).isEmpty();
			});
		assertThat(warnings(output)).singleElement()
			.satisfies((warning) -> assertThat(warning).contains("REDIS_URL (redis.url)",
					"redis://127.0.0.1:" + starters.port() + "/0",
					"redis://app@127.0.0.1:" + boots.port() + "/2")
				.doesNotContain("secret"));
	}

	@Test
	void redisMasterUrlWinsOverAConnectionDetailsBeanAndOneWarningNamesBoth(CapturedOutput output) {
		this.contextRunner.withPropertyValues("redis.master.url=" + starters.url(1))
			.withBean(DataRedisConnectionDetails.class, () -> details(boots, 5))
			.run((context) -> {
				writeThroughEveryRole(context, "by-master-url");
				assertThat(get(starters, 1, this.name + ":master")).isEqualTo("by-master-url");
				assertThat(get(starters, 1, this.name + ":async")).isEqualTo("by-master-url");
				assertThat(clientsOf(boots)).isEmpty();
			});
		assertThat(warnings(output)).singleElement()
			.satisfies((warning) -> assertThat(warning).contains("REDIS_MASTER_URL (redis.master.url)",
					"redis://app@127.0.0.1:" + boots.port() + "/5", "use REDIS_MASTER_URL")
				.doesNotContain("secret"));
	}

	@Test
	void noWarningWhenBothNameTheSameRedis(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + starters.port(),
					"redis.master.url=" + starters.url())
			.run((context) -> {
				master(context).opsForValue().set(this.name, "same");
				assertThat(get(starters, 0, this.name)).isEqualTo("same");
			});
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void noWarningWhenSpringDataRedisIsNotSet(CapturedOutput output) {
		this.contextRunner.withPropertyValues("redis.url=" + starters.url()).run((context) -> {
			master(context).opsForValue().set(this.name, "starter-only");
			assertThat(get(starters, 0, this.name)).isEqualTo("starter-only");
		});
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void slaveAndAsyncUrlsOfTheirOwnWinWhileTheMasterUsesSpringDataRedis(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.data.redis.url=redis://app:secret@127.0.0.1:" + boots.port(),
					"redis.async.url=" + starters.url(6))
			.run((context) -> {
				writeThroughEveryRole(context, "split");
				assertThat(get(boots, 0, this.name + ":master")).isEqualTo("split");
				assertThat(get(starters, 6, this.name + ":async")).isEqualTo("split");
				assertThat(get(boots, 0, this.name + ":async")).isNull();
			});
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void springDataRedisTimeoutsAndClientNameApplyUnlessTheStartersOwnAreSet() {
		this.contextRunner
			.withPropertyValues("spring.data.redis.port=" + boots.port(), "spring.data.redis.timeout=3s",
					"spring.data.redis.connect-timeout=700ms")
			.run((context) -> {
				PoolDefinition master = masterDefinition(context);
				assertThat(master.uri().getTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(master.connection().commandTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(master.connection().connectTimeout()).isEqualTo(Duration.ofMillis(700));
				assertThat(master.uri().getClientName()).isEqualTo(this.name);
			});
		this.contextRunner
			.withPropertyValues("spring.data.redis.port=" + boots.port(), "spring.data.redis.timeout=3s",
					"spring.data.redis.connect-timeout=700ms", "redis.timeout.command=30s",
					"redis.timeout.connect=4s", "redis.client.name=starters-name")
			.run((context) -> {
				PoolDefinition master = masterDefinition(context);
				assertThat(master.uri().getTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(master.connection().connectTimeout()).isEqualTo(Duration.ofSeconds(4));
				assertThat(master.uri().getClientName()).isEqualTo("starters-name");
			});
	}

	@Test
	void springDataRedisSentinelIsTheEndpointWhenNoRedisUrlIsSet() {
		try (LocalRedisServer sentinel = LocalRedisServer.startSentinel("sdr-master", boots.server(), Duration.ofSeconds(5),
				Duration.ofSeconds(10), "sentinel-secret")) {
			this.contextRunner
				.withPropertyValues("spring.data.redis.sentinel.master=sdr-master",
						"spring.data.redis.sentinel.nodes=127.0.0.1:" + sentinel.port(),
						"spring.data.redis.sentinel.password=sentinel-secret", "spring.data.redis.username=app",
						"spring.data.redis.password=secret", "spring.data.redis.database=7")
				.run((context) -> {
					master(context).opsForValue().set(this.name, "through-sentinel");
					assertThat(get(boots, 7, this.name)).isEqualTo("through-sentinel");
					PoolStats stats = context.getBean(SharedPoolRegistry.class).getPoolStats("master");
					assertThat(stats.topology()).isEqualTo("sentinel");
					assertThat(stats.endpoint()).startsWith("redis-sentinel://app@127.0.0.1:" + sentinel.port())
						.endsWith("#sdr-master");
				});
		}
	}

	@Test
	void springDataRedisClusterIsTheEndpointWhenNoRedisUrlIsSet() {
		try (LocalRedisCluster cluster = LocalRedisCluster.start(3, Duration.ofSeconds(5))) {
			this.contextRunner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.seeds())
				.run((context) -> {
					for (int i = 0; i < 20; i++) {
						master(context).opsForValue().set(this.name + ":" + i, "in-cluster");
					}
					long stored = cluster.masters()
						.stream()
						.mapToLong((node) -> Long.parseLong(node.command("DBSIZE")))
						.sum();
					assertThat(stored).isEqualTo(20);
					assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats("master").topology())
						.isEqualTo("cluster");
				});
		}
	}

	private void writeThroughEveryRole(ApplicationContext context, String value) throws Exception {
		master(context).opsForValue().set(this.name + ":master", value);
		// The slave role has no replica here: it reads from the master's server.
		assertThat(context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class)
			.opsForValue()
			.get(this.name + ":master")).isEqualTo(value);
		context.getBean(AsyncRedisPool.class)
			.execute((commands) -> commands.set(this.name + ":async", value))
			.get(5, TimeUnit.SECONDS);
	}

	private static StringRedisTemplate master(ApplicationContext context) {
		return context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
	}

	private static PoolDefinition masterDefinition(ApplicationContext context) {
		return context.getBean("masterRedisConnectionFactory", RoleConnectionFactory.class)
			.getPool()
			.getDefinition();
	}

	private List<Map<String, String>> clientsOf(LocalRedisExtension redis) {
		return redis.server().clientList().stream().filter((client) -> client.getOrDefault("name", "").startsWith(this.name)).toList();
	}

	private static List<String> warnings(CapturedOutput output) {
		return output.getAll().lines().filter((line) -> line.contains(WARNING)).toList();
	}

	/** Reads a key with a plain Lettuce client of its own, outside the starter. */
	private static String get(LocalRedisExtension server, int database, String key) {
		RedisClient client = RedisClient.create(server.url(database));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().get(key);
		}
		finally {
			client.shutdown();
		}
	}

	/** What a {@code @ServiceConnection} registers: the server, with user, password and database. */
	private static DataRedisConnectionDetails details(LocalRedisExtension server, int database) {
		return new DataRedisConnectionDetails() {

			@Override
			public String getUsername() {
				return "app";
			}

			@Override
			public String getPassword() {
				return "secret";
			}

			@Override
			public Standalone getStandalone() {
				return Standalone.of("127.0.0.1", server.port(), database);
			}

		};
	}

}
