package io.gdnode.pool.autoconfigure;

import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.client.RoleConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link RedisPoolProperties}: binding from environment variables and YAML, defaults,
 * and the start-up failure for every kind of bad value. None of these touch Redis: pools open on
 * first use only.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisPoolPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class));

	@Test
	void defaultsAreTheDocumentedPoolSizesIdleTimeoutAndCleanupInterval() {
		this.contextRunner.run((context) -> {
			RedisPoolProperties properties = context.getBean(RedisPoolProperties.class);
			assertThat(properties.getMaster().getPool().isEnabled()).isTrue();
			assertThat(properties.getMaster().getPool().getSize()).isEqualTo(10);
			assertThat(properties.getSlave().getPool().isEnabled()).isTrue();
			assertThat(properties.getSlave().getPool().getSize()).isEqualTo(20);
			assertThat(properties.getLocal().getPool().isEnabled()).isTrue();
			assertThat(properties.getLocal().getPool().getSize()).isEqualTo(5);
			assertThat(properties.getAsync().getPool().isEnabled()).isTrue();
			assertThat(properties.getAsync().getPool().getMin()).isEqualTo(5);
			assertThat(properties.getAsync().getPool().getMax()).isEqualTo(20);
			assertThat(properties.getTimeout().getIdle()).isEqualTo(Duration.ofMinutes(5));
			assertThat(properties.getCleanup().getInterval()).isEqualTo(Duration.ofMinutes(1));
			assertThat(properties.isShared()).isTrue();
		});
	}

	@Test
	void poolEnvironmentVariablesBindAndKubernetesServiceVariablesAreIgnored() {
		Map<String, Object> environment = new HashMap<>();
		environment.put("REDIS_MASTER_POOL_ENABLED", "0");
		environment.put("REDIS_MASTER_POOL_SIZE", "11");
		environment.put("REDIS_SLAVE_POOL_ENABLED", "1");
		environment.put("REDIS_SLAVE_POOL_SIZE", "222");
		environment.put("REDIS_LOCAL_POOL_ENABLED", "false");
		environment.put("REDIS_LOCAL_POOL_SIZE", "3333");
		environment.put("REDIS_ASYNC_POOL_ENABLED", "true");
		environment.put("REDIS_ASYNC_POOL_MIN", "4");
		environment.put("REDIS_ASYNC_POOL_MAX", "44444");
		environment.put("REDIS_URL", "redis://common:6379/2");
		environment.put("REDIS_SLAVE_URL", "redis://replica:6380");
		environment.put("REDIS_TIMEOUT_IDLE", "90s");
		environment.put("REDIS_CLEANUP_INTERVAL", "15s");
		environment.put("REDIS_TIMEOUT_WAIT", "750ms");
		environment.put("REDIS_SHARED", "0");
		environment.put("REDIS_PORT", "tcp://10.0.0.11:6379");
		environment.put("REDIS_PORT_6379_TCP", "tcp://10.0.0.11:6379");
		environment.put("REDIS_PORT_6379_TCP_ADDR", "10.0.0.11");
		environment.put("REDIS_SERVICE_HOST", "10.0.0.11");
		environment.put("REDIS_SERVICE_PORT", "6379");
		this.contextRunner.withInitializer(systemEnvironment(environment)).run((context) -> {
			assertThat(context).hasNotFailed();
			RedisPoolProperties properties = context.getBean(RedisPoolProperties.class);
			assertThat(properties.getMaster().getPool().isEnabled()).isFalse();
			assertThat(properties.getMaster().getPool().getSize()).isEqualTo(11);
			assertThat(properties.getSlave().getPool().isEnabled()).isTrue();
			assertThat(properties.getSlave().getPool().getSize()).isEqualTo(222);
			assertThat(properties.getLocal().getPool().isEnabled()).isFalse();
			assertThat(properties.getLocal().getPool().getSize()).isEqualTo(3333);
			assertThat(properties.getAsync().getPool().isEnabled()).isTrue();
			assertThat(properties.getAsync().getPool().getMin()).isEqualTo(4);
			assertThat(properties.getAsync().getPool().getMax()).isEqualTo(44444);
			assertThat(properties.getTimeout().getIdle()).isEqualTo(Duration.ofSeconds(90));
			assertThat(properties.getCleanup().getInterval()).isEqualTo(Duration.ofSeconds(15));
			assertThat(properties.getTimeout().getWait()).isEqualTo(Duration.ofMillis(750));
			assertThat(properties.isShared()).isFalse();
			PoolDefinition master = definition(context, "masterRedisConnectionFactory");
			assertThat(master.uri().getHost()).isEqualTo("common");
			assertThat(master.uri().getDatabase()).isEqualTo(2);
			assertThat(master.pooled()).isFalse();
			assertThat(master.maxTotal()).isEqualTo(11);
			assertThat(definition(context, "slaveRedisConnectionFactory").uri().getPort()).isEqualTo(6380);
		});
	}

	@Test
	void sameKeysBindFromApplicationYaml() {
		this.contextRunner.withInitializer(yaml("pools.yml")).run((context) -> {
			RedisPoolProperties properties = context.getBean(RedisPoolProperties.class);
			assertThat(properties.getMaster().getPool().getSize()).isEqualTo(12);
			assertThat(properties.getSlave().getPool().isEnabled()).isFalse();
			assertThat(properties.getAsync().getPool().getMin()).isEqualTo(1);
			assertThat(properties.getAsync().getPool().getMax()).isEqualTo(3);
			assertThat(properties.getTimeout().getIdle()).isEqualTo(Duration.ofMinutes(2));
			assertThat(definition(context, "localRedisConnectionFactory").uri().getPort()).isEqualTo(6390);
		});
	}

	@Test
	void slaveAndAsyncFallBackToMasterAndLocalToLoopback() {
		this.contextRunner.withPropertyValues("redis.master.url=redis://writer:7000/1").run((context) -> {
			assertThat(definition(context, "slaveRedisConnectionFactory").uri().getHost()).isEqualTo("writer");
			assertThat(context.getBean(io.gdnode.pool.client.AsyncRedisPool.class).getPool().getDefinition().uri()
				.getHost()).isEqualTo("writer");
			assertThat(definition(context, "localRedisConnectionFactory").uri().getHost()).isEqualTo("localhost");
			assertThat(definition(context, "localRedisConnectionFactory").uri().getPort()).isEqualTo(6379);
		});
	}

	@ParameterizedTest(name = "REDIS_SLAVE_FALLBACK={0}")
	@CsvSource({ "none, NONE", "NONE, NONE", "None, NONE", "master, MASTER", "MASTER, MASTER" })
	void slaveFallbackBindsInAnyCase(String value, RedisPoolProperties.Fallback fallback) {
		this.contextRunner.withInitializer(systemEnvironment(Map.of("REDIS_SLAVE_FALLBACK", value)))
			.run((context) -> assertThat(context.getBean(RedisPoolProperties.class).getSlave().getFallback())
				.isEqualTo(fallback));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			REDIS_MASTER_POOL_SIZE  | 0          | a whole number from 1 to 2147483647
			REDIS_MASTER_POOL_SIZE  | -1         | a whole number from 1 to 2147483647
			REDIS_MASTER_POOL_SIZE  | abc        | a whole number from 1 to 2147483647
			REDIS_MASTER_POOL_SIZE  | 2147483648 | a whole number from 1 to 2147483647
			REDIS_SLAVE_POOL_SIZE   | 0          | a whole number from 1 to 2147483647
			REDIS_LOCAL_POOL_SIZE   | -1         | a whole number from 1 to 2147483647
			REDIS_ASYNC_POOL_MAX    | 0          | a whole number from 1 to 2147483647
			REDIS_ASYNC_POOL_MIN    | -1         | a whole number from 0 to redis.async.pool.max
			REDIS_ASYNC_POOL_MIN    | 21         | a whole number from 0 to redis.async.pool.max (20)
			REDIS_MASTER_POOL_ENABLED | maybe    | true, false, 1 or 0
			REDIS_URL               | localhost:6379 | a Redis URL
			REDIS_MASTER_URL        | http://redis:6379 | a Redis URL
			REDIS_SLAVE_URL         | redis://   | a Redis URL
			REDIS_LOCAL_URL         | redis://host:port | a Redis URL
			REDIS_TIMEOUT_IDLE      | 0          | a positive duration
			REDIS_TIMEOUT_IDLE      | -5s        | a positive duration
			REDIS_CLEANUP_INTERVAL  | 0s         | a positive duration
			REDIS_CLEANUP_INTERVAL  | soon       | a positive duration
			REDIS_TIMEOUT_WAIT      | -1ms       | a positive duration
			REDIS_SLAVE_URL         | redis://replica-1:6379,replica-2:6379 | or a comma-separated list of such URLs
			REDIS_SLAVE_FALLBACK    | replica    | master (reads go to the master when no replica is reachable) or none
			REDIS_SLAVE_DISCOVERY   | maybe      | true, false, 1 or 0
			REDIS_SENTINEL_NODES    | sentinel-1 | a comma-separated list of host:port
			REDIS_CLUSTER_NODES     | 10.0.0.1   | a comma-separated list of host:port
			REDIS_CLUSTER_REFRESHPERIOD | 0s     | a positive duration
			REDIS_MASTER_SSL_BUNDLE | no-such-bundle | the name of an SSL bundle configured under spring.ssl.bundle
			""")
	void badValueStopsStartUpNamingVariableValueAndWhatIsAllowed(String variable, String value, String allowed) {
		this.contextRunner.withInitializer(systemEnvironment(Map.of(variable, value))).run((context) -> {
			assertThat(context).hasFailed();
			StandardEnvironment environment = new StandardEnvironment();
			environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					systemEnvironmentSource(Map.of(variable, value)));
			FailureAnalysis analysis = new RedisPoolPropertiesFailureAnalyzer(environment)
				.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(variable)
				.contains("'" + value + "'")
				.contains("from \"" + variable + "\"");
			assertThat(analysis.getAction()).contains(variable).contains(allowed);
		});
	}

	@Test
	void startUpFailureReportIsPrintedInsteadOfAStackTraceAlone(CapturedOutput output) {
		SpringApplication application = new SpringApplication(BadSettingsApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("redis.master.pool.size", "-1"));
		application.setLogStartupInfo(false);
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid Redis pool setting REDIS_MASTER_POOL_SIZE (redis.master.pool.size): '-1'")
			.contains("Set REDIS_MASTER_POOL_SIZE (or redis.master.pool.size in application.yml) to a whole number from 1 to 2147483647");
	}

	@Test
	void everyPropertyIsDocumentedForIdeCompletion() throws Exception {
		try (InputStream metadata = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			List<Map<String, Object>> properties = JsonPath.read(metadata, "$.properties[?(@.name =~ /redis\\..*/)]");
			assertThat(properties).extracting((property) -> property.get("name"))
				.contains("redis.url", "redis.master.pool.enabled", "redis.master.pool.size", "redis.slave.pool.size",
						"redis.local.pool.size", "redis.async.pool.min", "redis.async.pool.max", "redis.timeout.idle",
						"redis.cleanup.interval", "redis.timeout.wait");
			assertThat(properties).allSatisfy((property) -> assertThat(property.get("description")).asString()
				.as("description of %s", property.get("name"))
				.isNotBlank());
		}
	}

	private static PoolDefinition definition(ConfigurableApplicationContext context, String factory) {
		return context.getBean(factory, RoleConnectionFactory.class).getPool().getDefinition();
	}

	private static ApplicationContextInitializer<ConfigurableApplicationContext> systemEnvironment(
			Map<String, Object> variables) {
		return (context) -> context.getEnvironment().getPropertySources().replace(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, systemEnvironmentSource(variables));
	}

	private static SystemEnvironmentPropertySource systemEnvironmentSource(Map<String, ?> variables) {
		return new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
				Map.copyOf(variables));
	}

	private static ApplicationContextInitializer<ConfigurableApplicationContext> yaml(String name) {
		return (context) -> {
			try {
				new YamlPropertySourceLoader().load(name, new ClassPathResource(name))
					.forEach(context.getEnvironment().getPropertySources()::addFirst);
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		};
	}

	@SpringBootApplication
	static class BadSettingsApplication {

	}

}
