package io.gdnode.pool.autoconfigure;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Turns a bad {@code redis.*} setting into a start-up failure report that names the environment
 * variable, the property, the value as written, where it came from and what is allowed, whether
 * the value could not be converted ({@code abc}, {@code 2147483648}) or is out of range
 * ({@code 0}, {@code -1}).
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class RedisPoolPropertiesFailureAnalyzer implements FailureAnalyzer {

	private final Environment environment;

	RedisPoolPropertiesFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidRedisPropertyException invalid) {
				return analysis(invalid.getProperty(), invalid.getValue(), invalid.getAllowed(), invalid);
			}
			if (cause instanceof BindException bind && bind.getName().toString().startsWith("redis.")) {
				String property = bind.getName().toString();
				return analysis(property, null, RedisPoolPropertiesValidator.allowedValues(property), bind);
			}
		}
		return null;
	}

	private FailureAnalysis analysis(String property, Object boundValue, String allowed, Throwable cause) {
		String variable = RedisEnvironmentVariables.of(property);
		ConfigurationProperty configured = configured(property);
		Object value = (configured != null) ? configured.getValue() : boundValue;
		String origin = (configured != null && configured.getOrigin() != null) ? " (from " + configured.getOrigin() + ")"
				: "";
		String description = "Invalid Redis pool setting " + variable + " (" + property + "): '" + value
				+ "' is not allowed" + origin + ".";
		String action = "Set " + variable + " (or " + property + " in application.yml) to " + allowed + ".";
		return new FailureAnalysis(description, action, cause);
	}

	/**
	 * Find the property as written, so the report shows {@code -5s} rather than {@code PT-5S}.
	 */
	private ConfigurationProperty configured(String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty configured = source.getConfigurationProperty(name);
			if (configured != null) {
				return configured;
			}
		}
		return null;
	}

}
