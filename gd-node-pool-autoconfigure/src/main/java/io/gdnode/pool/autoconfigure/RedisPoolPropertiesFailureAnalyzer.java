package io.gdnode.pool.autoconfigure;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns a bad {@code redis.*} setting into a start-up failure report that names the environment
 * variable, the property, the value and what is allowed, whether the value could not be converted
 * ({@code abc}, {@code 2147483648}) or was converted but is out of range ({@code 0}, {@code -1}).
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class RedisPoolPropertiesFailureAnalyzer implements FailureAnalyzer {

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidRedisPropertyException invalid) {
				return analysis(invalid.getProperty(), invalid.getValue(), null, invalid.getAllowed(), invalid);
			}
			if (cause instanceof BindException bind && bind.getName().toString().startsWith("redis.")) {
				String property = bind.getName().toString();
				ConfigurationProperty bound = bind.getProperty();
				Object value = (bound != null) ? bound.getValue() : null;
				Object origin = (bound != null) ? bound.getOrigin() : null;
				return analysis(property, value, origin, RedisPoolSettings.allowedValues(property), bind);
			}
		}
		return null;
	}

	private FailureAnalysis analysis(String property, Object value, Object origin, String allowed, Throwable cause) {
		String variable = RedisPoolSettings.environmentVariable(property);
		String description = "Invalid Redis pool setting " + variable + " (" + property + "): '" + value
				+ "' is not allowed" + ((origin != null) ? " (from " + origin + ")" : "") + ".";
		String action = "Set " + variable + " (or " + property + " in application.yml) to " + allowed + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
