package io.gdnode.pool.sample;

import java.nio.file.Path;
import java.util.Map;

import io.gdnode.pool.localredis.LocalRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LocalRedisStarter}: what it decides, run in a real (non-web, bean-less)
 * application with real Redis servers. The probe never looks at port 6379.
 */
@ExtendWith(OutputCaptureExtension.class)
class LocalRedisStarterTests {

	@Test
	void configuredMasterUrlStartsNothing() {
		ConfigurableEnvironment environment = environment(Map.of("redis.master.url", "redis://127.0.0.1:1"));
		try (ConfigurableApplicationContext context = run(environment, LocalRedisServer.freeLoopbackPort())) {
			assertThat(context.getBeansOfType(LocalRedisServer.class)).isEmpty();
			assertThat(environment.getPropertySources().contains(LocalRedisStarter.PROPERTY_SOURCE_NAME)).isFalse();
			assertThat(environment.getProperty("redis.master.url")).isEqualTo("redis://127.0.0.1:1");
		}
	}

	@Test
	void redisUrlEnvironmentVariableStartsNothing() {
		ConfigurableEnvironment environment = new StandardEnvironment();
		Map<String, Object> variables = Map.of("REDIS_URL", "redis://127.0.0.1:1");
		environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource("testEnvironment", variables));
		try (ConfigurableApplicationContext context = run(environment, LocalRedisServer.freeLoopbackPort())) {
			assertThat(context.getBeansOfType(LocalRedisServer.class)).isEmpty();
			assertThat(environment.getPropertySources().contains(LocalRedisStarter.PROPERTY_SOURCE_NAME)).isFalse();
		}
	}

	@Test
	void redisAnsweringOnTheProbePortIsUsedAsMasterAndLocal() {
		try (LocalRedisServer running = LocalRedisServer.start()) {
			ConfigurableEnvironment environment = new StandardEnvironment();
			try (ConfigurableApplicationContext context = run(environment, running.port())) {
				assertThat(context.getBeansOfType(LocalRedisServer.class)).isEmpty();
				assertThat(environment.getProperty("redis.master.url")).isEqualTo(running.url());
				assertThat(environment.getProperty("redis.local.url")).isEqualTo(running.url());
				assertThat(environment.getProperty("redis.slave.url")).isNull();
			}
		}
	}

	@Test
	void nothingConfiguredOrAnsweringStartsMasterAndReplicaThatStopWithTheContext() {
		ConfigurableEnvironment environment = new StandardEnvironment();
		LocalRedisServer master;
		LocalRedisServer replica;
		try (ConfigurableApplicationContext context = run(environment, LocalRedisServer.freeLoopbackPort())) {
			master = context.getBean("localRedisMaster", LocalRedisServer.class);
			replica = context.getBean("localRedisReplica", LocalRedisServer.class);
			assertThat(environment.getProperty("redis.master.url")).isEqualTo(master.url());
			assertThat(environment.getProperty("redis.slave.url")).isEqualTo(replica.url());
			assertThat(environment.getProperty("redis.local.url")).isEqualTo(master.url());
			assertThat(replica.command("INFO", "replication")).contains("role:slave", "master_port:" + master.port());
		}
		assertThat(LocalRedisStarter.answersPing(master.port())).isFalse();
		assertThat(LocalRedisStarter.answersPing(replica.port())).isFalse();
	}

	@Test
	void explicitlySetRoleUrlIsKept() {
		ConfigurableEnvironment environment = environment(Map.of("redis.local.url", "redis://127.0.0.1:1"));
		try (ConfigurableApplicationContext context = run(environment, LocalRedisServer.freeLoopbackPort())) {
			assertThat(environment.getProperty("redis.local.url")).isEqualTo("redis://127.0.0.1:1");
			assertThat(environment.getProperty("redis.master.url"))
				.isEqualTo(context.getBean("localRedisMaster", LocalRedisServer.class).url());
		}
	}

	@Test
	void missingRedisServerIsLoggedAndTheApplicationStartsAnyway() {
		System.setProperty("redis.server.binary", "/nonexistent/redis-server");
		ConfigurableEnvironment environment = new StandardEnvironment();
		try (ConfigurableApplicationContext context = run(environment, LocalRedisServer.freeLoopbackPort())) {
			assertThat(context.isActive()).isTrue();
			assertThat(context.getBeansOfType(LocalRedisServer.class)).isEmpty();
			assertThat(environment.getPropertySources().contains(LocalRedisStarter.PROPERTY_SOURCE_NAME)).isFalse();
		}
		finally {
			System.clearProperty("redis.server.binary");
		}
	}

	@Test
	void withoutRedisServerOnThePathTheEmbeddedBinaryIsStartedAndNamedInTheLog(@TempDir Path noRedisServer,
			CapturedOutput output) {
		LocalRedisStarter starter = new LocalRedisStarter(() -> RedisServerBinary.find(noRedisServer.toString(),
				System.getProperty("os.name"), System.getProperty("os.arch")));
		ConfigurableEnvironment environment = new StandardEnvironment();
		try (ConfigurableApplicationContext context = run(environment, LocalRedisServer.freeLoopbackPort(), starter)) {
			LocalRedisServer master = context.getBean("localRedisMaster", LocalRedisServer.class);
			LocalRedisServer replica = context.getBean("localRedisReplica", LocalRedisServer.class);
			String binary = master.command("INFO", "server")
				.lines()
				.filter((line) -> line.startsWith("executable:"))
				.map((line) -> line.substring("executable:".length()))
				.findFirst()
				.orElseThrow();
			assertThat(binary).endsWith("/redis-server");
			assertThat(replica.command("INFO", "server")).contains("redis_version:6.2.", "executable:" + binary);
			assertThat(environment.getProperty("redis.slave.url")).isEqualTo(replica.url());
			assertThat(output).contains("started a redis-server master on port " + master.port(),
					"from " + binary + " (extracted from the embedded-redis jar's redis-server-6.2");
		}
	}

	private static ConfigurableEnvironment environment(Map<String, Object> properties) {
		ConfigurableEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

	private static ConfigurableApplicationContext run(ConfigurableEnvironment environment, int probePort) {
		return run(environment, probePort, new LocalRedisStarter());
	}

	private static ConfigurableApplicationContext run(ConfigurableEnvironment environment, int probePort,
			LocalRedisStarter starter) {
		SpringApplication application = new SpringApplication(EmptyConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setEnvironment(environment);
		application.setDefaultProperties(Map.of(LocalRedisStarter.PROBE_PORT_PROPERTY, probePort));
		application.addListeners(starter);
		return application.run();
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
