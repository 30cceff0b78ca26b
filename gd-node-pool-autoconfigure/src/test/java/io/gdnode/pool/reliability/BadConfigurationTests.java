package io.gdnode.pool.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Every {@code redis.*} setting, set through its environment variable to each class of invalid
 * value it can receive (negative, zero where not allowed, not a number, overflow, min above max,
 * malformed URL, unknown scheme), stops start-up with the failure report that names the variable,
 * the value and what is allowed.
 * <p>
 * With the system property {@value #WRITE_PROPERTY} set to a file, the rows and the reports they
 * produced are written there as a Markdown table: that is how {@code docs/bad-configuration.md}
 * is made (its first lines give the command). Without it the test writes nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadConfigurationTests {

	/** The system property naming the file the table is written to. */
	static final String WRITE_PROPERTY = "bad-configuration.write";

	/** The command that regenerates {@code docs/bad-configuration.md}, run from the repository root. */
	static final String COMMAND = "./mvnw -q -pl gd-node-pool-autoconfigure -am test -Dtest=BadConfigurationTests "
			+ "-Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE_PROPERTY + "=\"$PWD/docs/bad-configuration.md\"";

	/** Measured rows by row number, so the table keeps the order of {@link #rows()}. */
	private static final Map<Integer, String> measured = new ConcurrentSkipListMap<>();

	static Stream<Arguments> rows() {
		List<Arguments> rows = new ArrayList<>();
		for (String size : List.of("REDIS_MASTER_POOL_SIZE", "REDIS_SLAVE_POOL_SIZE", "REDIS_LOCAL_POOL_SIZE",
				"REDIS_ASYNC_POOL_MAX", "REDIS_CLIENT_QUEUE")) {
			add(rows, size, "0", "zero", "a whole number from 1 to 2147483647");
			add(rows, size, "-1", "negative", "a whole number from 1 to 2147483647");
			add(rows, size, "abc", "not a number", "a whole number from 1 to 2147483647");
			add(rows, size, "2147483648", "overflow", "a whole number from 1 to 2147483647");
		}
		add(rows, "REDIS_ASYNC_POOL_MIN", "-1", "negative", "a whole number from 0 to redis.async.pool.max");
		add(rows, "REDIS_ASYNC_POOL_MIN", "abc", "not a number", "a whole number from 0 to redis.async.pool.max");
		add(rows, "REDIS_ASYNC_POOL_MIN", "2147483648", "overflow", "a whole number from 0 to redis.async.pool.max");
		add(rows, "REDIS_ASYNC_POOL_MIN", "21", "min above max (20)", "a whole number from 0 to redis.async.pool.max (20)");
		for (String flag : List.of("REDIS_MASTER_POOL_ENABLED", "REDIS_SLAVE_POOL_ENABLED", "REDIS_LOCAL_POOL_ENABLED",
				"REDIS_ASYNC_POOL_ENABLED", "REDIS_SHARED")) {
			add(rows, flag, "maybe", "not a boolean", "true, false, 1 or 0");
			add(rows, flag, "2", "number other than 1/0", "true, false, 1 or 0");
		}
		for (String url : List.of("REDIS_URL", "REDIS_MASTER_URL", "REDIS_SLAVE_URL", "REDIS_LOCAL_URL", "REDIS_ASYNC_URL")) {
			add(rows, url, "redis://host:port", "malformed URL (port not a number)", "a Redis URL");
			add(rows, url, "localhost:6379", "malformed URL (no scheme)", "a Redis URL");
			add(rows, url, "http://redis:6379", "unknown scheme", "a Redis URL");
			add(rows, url, "redis://", "no host", "a Redis URL");
		}
		for (String url : List.of("REDIS_URL", "REDIS_MASTER_URL", "REDIS_LOCAL_URL", "REDIS_ASYNC_URL")) {
			add(rows, url, "redis://10.0.0.1:6379,redis://10.0.0.2:6379", "list (only the slave role takes one)",
					"a single Redis URL: redis://[user:password@]host[:port][/database], or rediss:// for TLS (only REDIS_SLAVE_URL, redis.slave.url, takes a comma-separated list)");
		}
		for (String duration : List.of("REDIS_TIMEOUT_IDLE", "REDIS_TIMEOUT_WAIT", "REDIS_TIMEOUT_COMMAND",
				"REDIS_TIMEOUT_CONNECT", "REDIS_TIMEOUT_KEEPALIVE", "REDIS_TIMEOUT_RECONNECT", "REDIS_CLEANUP_INTERVAL",
				"REDIS_HEALTH_TIMEOUT")) {
			add(rows, duration, "0", "zero", "a positive duration");
			add(rows, duration, "-5s", "negative", "a positive duration");
			add(rows, duration, "soon", "not a duration", "a positive duration");
			add(rows, duration, "99999999999999999999d", "overflow", "a positive duration");
		}
		add(rows, "REDIS_LEAK_THRESHOLD", "-1s", "negative", "a duration such as 30s, or 0");
		add(rows, "REDIS_LEAK_THRESHOLD", "soon", "not a duration", "a duration such as 30s, or 0");
		add(rows, "REDIS_LEAK_THRESHOLD", "99999999999999999999d", "overflow", "a duration such as 30s, or 0");
		add(rows, "REDIS_HEALTH_REQUIRED", "primary", "unknown role", "a comma-separated list of master, slave, local and async");
		add(rows, "REDIS_SLAVE_DISCOVERY", "maybe", "not a boolean", "true, false, 1 or 0");
		add(rows, "REDIS_SLAVE_FALLBACK", "replica", "unknown value", "master (reads go to the master");
		for (String nodes : List.of("REDIS_SENTINEL_NODES", "REDIS_CLUSTER_NODES")) {
			add(rows, nodes, "10.0.0.1", "no port", "a comma-separated list of host:port");
			add(rows, nodes, "10.0.0.1:port", "port not a number", "a comma-separated list of host:port");
		}
		add(rows, "REDIS_CLUSTER_REFRESHPERIOD", "0", "zero", "a positive duration");
		add(rows, "REDIS_CLUSTER_REFRESHPERIOD", "soon", "not a duration", "a positive duration");
		add(rows, "REDIS_SSL_BUNDLE", "missing", "no such SSL bundle", "the name of an SSL bundle");
		add(rows, "REDIS_MASTER_SSL_BUNDLE", "missing", "no such SSL bundle", "the name of an SSL bundle");
		return rows.stream();
	}

	private static void add(List<Arguments> rows, String variable, String value, String invalidClass, String allowed) {
		rows.add(Arguments.of(rows.size(), variable, value, invalidClass, allowed));
	}

	@ParameterizedTest(name = "{1}={2} ({3})")
	@MethodSource("rows")
	void invalidValueStopsStartUpWithAReportNamingTheVariable(int row, String variable, String value,
			String invalidClass, String allowed, CapturedOutput output) {
		SpringApplication application = new SpringApplication(Application.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setLogStartupInfo(false);
		application.setEnvironment(environment(variable, value));
		assertThatException().isThrownBy(application::run);
		String property = variable.toLowerCase(Locale.ROOT)
			.replace('_', '.')
			.replace("refreshperiod", "refresh-period");
		String description = line(output.getOut() + output.getErr(), "Invalid Redis pool setting ");
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START");
		assertThat(description).contains(variable)
			.contains("(" + property + ")")
			.contains("'" + value + "' is not allowed")
			.contains("from System Environment Property \"" + variable + "\"");
		assertThat(line(output.getAll(), "Set " + variable + " ")).contains(allowed);
		measured.put(row, "| `" + property + "` | `" + variable + "` | " + invalidClass + " | `" + value + "` | "
				+ description.replace("|", "\\|") + " " + line(output.getAll(), "Set " + variable + " ") + " |");
	}

	@AfterAll
	static void writeTable() throws IOException {
		long settings = measured.values().stream().map((row) -> row.substring(0, row.indexOf(" | "))).distinct().count();
		FailureReport.record("14. bad configuration", measured.size() + " invalid values over " + settings
				+ " settings each stopped start-up with the report naming the environment variable, the value, its"
				+ " origin and what is allowed; table in docs/bad-configuration.md");
		String target = System.getProperty(WRITE_PROPERTY);
		if (target == null || target.isBlank()) {
			return;
		}
		StringBuilder table = new StringBuilder("""
				# Bad configuration: what start-up reports

				Generated by `BadConfigurationTests` from the rows it checks: every `redis.*` setting, set
				through its environment variable to each kind of invalid value, stops start-up with
				`APPLICATION FAILED TO START` and this description and action. Regenerate it from the
				repository root with:

				```bash
				%s
				```

				| setting | environment variable | invalid value class | value | reported (description and action) |
				| --- | --- | --- | --- | --- |
				""".formatted(COMMAND));
		measured.values().forEach((row) -> table.append(row).append('\n'));
		Files.writeString(Path.of(target), table, StandardCharsets.UTF_8);
	}

	private static String line(String output, String start) {
		return output.lines()
			.map(String::trim)
			.filter((line) -> line.startsWith(start))
			.reduce((first, last) -> last)
			.orElseThrow(() -> new AssertionError("no line starting with '" + start + "' in:\n" + output));
	}

	private static StandardEnvironment environment(String variable, String value) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
				new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of(variable, value)));
		return environment;
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration(RedisPoolAutoConfiguration.class)
	static class Application {

	}

}
