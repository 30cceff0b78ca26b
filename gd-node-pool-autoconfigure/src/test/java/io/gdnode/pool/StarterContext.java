package io.gdnode.pool;

import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The starter's auto-configuration in an application context that stays open until closed, for
 * the side-by-side benchmarks that drive its beans across many rounds.
 */
public final class StarterContext {

	private StarterContext() {
	}

	/**
	 * Start a context with the starter's auto-configuration alone.
	 * @param properties {@code name=value} pairs, ahead of anything the environment sets
	 * @return the running context, to close after use
	 */
	public static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(Starter.class).web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.initializers((context) -> TestPropertyValues.of(properties).applyTo(context))
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(RedisPoolAutoConfiguration.class)
	static class Starter {

	}

}
