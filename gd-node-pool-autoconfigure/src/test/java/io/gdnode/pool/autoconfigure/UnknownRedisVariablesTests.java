package io.gdnode.pool.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UnknownRedisVariables}: a {@code REDIS_*} environment variable that sets
 * nothing gets one WARN with the closest setting; settings and Kubernetes service variables get
 * none. None of these touch Redis: pools open on first use only.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownRedisVariablesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class));

	@Test
	void endpointPartsPointToTheUrls(CapturedOutput output) {
		run(Map.of("REDIS_HOST", "10.0.0.1", "REDIS_PASSWORD", "secret", "REDIS_SLAVE_HOST", "10.0.0.2"));
		assertThat(warnings(output, "REDIS_HOST")).containsExactly("Environment variable REDIS_HOST sets no Redis"
				+ " setting and is ignored; did you mean REDIS_URL / REDIS_MASTER_URL? Host, port, user, password,"
				+ " database and TLS are parts of one URL: redis://[user:password@]host[:port][/database], or"
				+ " rediss:// for TLS");
		assertThat(warnings(output, "REDIS_PASSWORD")).singleElement()
			.asString()
			.contains("did you mean REDIS_URL / REDIS_MASTER_URL");
		assertThat(warnings(output, "REDIS_SLAVE_HOST")).singleElement()
			.asString()
			.contains("did you mean REDIS_SLAVE_URL (redis.slave.url)? Host, port");
		assertThat(output.getAll()).doesNotContain("secret");
	}

	@Test
	void misspeltSettingsPointToTheClosestOne(CapturedOutput output) {
		run(Map.of("REDIS_MASTER_POOL_SIZ", "12", "REDIS_CLUSTER_REFRESH_PERIOD", "5s", "REDIS_TIMEOUT_IDEL", "1m"));
		assertThat(warnings(output, "REDIS_MASTER_POOL_SIZ ")).singleElement()
			.asString()
			.endsWith("did you mean REDIS_MASTER_POOL_SIZE (redis.master.pool.size)?");
		assertThat(warnings(output, "REDIS_CLUSTER_REFRESH_PERIOD")).singleElement()
			.asString()
			.endsWith("did you mean REDIS_CLUSTER_REFRESHPERIOD (redis.cluster.refresh-period)?");
		assertThat(warnings(output, "REDIS_TIMEOUT_IDEL")).singleElement()
			.asString()
			.endsWith("did you mean REDIS_TIMEOUT_IDLE (redis.timeout.idle)?");
	}

	@Test
	void settingsAndKubernetesServiceVariablesGetNoWarning(CapturedOutput output) {
		run(Map.of("REDIS_MASTER_POOL_SIZE", "11", "REDIS_URL", "redis://10.0.0.1:6379", "REDIS_CLUSTER_REFRESHPERIOD",
				"5s", "REDIS_PORT", "tcp://10.0.0.11:6379", "REDIS_PORT_6379_TCP", "tcp://10.0.0.11:6379",
				"REDIS_PORT_6379_TCP_PROTO", "tcp", "REDIS_PORT_6379_TCP_ADDR", "10.0.0.11", "REDIS_SERVICE_HOST",
				"10.0.0.11", "REDIS_SERVICE_PORT", "6379", "REDIS_MASTER_SERVICE_PORT_REDIS", "6379"));
		assertThat(output.getAll()).doesNotContain("sets no Redis setting");
	}

	@Test
	void portThatIsNotKubernetesServiceVariableGetsAWarning(CapturedOutput output) {
		run(Map.of("REDIS_PORT", "6380"));
		assertThat(warnings(output, "REDIS_PORT")).singleElement()
			.asString()
			.contains("did you mean REDIS_URL / REDIS_MASTER_URL");
	}

	private void run(Map<String, Object> variables) {
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								variables)))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private static List<String> warnings(CapturedOutput output, String variable) {
		return output.getAll()
			.lines()
			.filter((line) -> line.contains(" WARN ") && line.contains("Environment variable " + variable))
			.map((line) -> line.substring(line.indexOf("Environment variable ")))
			.toList();
	}

}
