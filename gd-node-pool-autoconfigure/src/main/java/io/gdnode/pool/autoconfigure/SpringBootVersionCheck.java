package io.gdnode.pool.autoconfigure;

import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

/**
 * Stops an application that runs a Spring Boot line the starter does not support, before any of
 * the starter's auto-configurations is read: on Spring Boot 3 those fail on classes that Spring
 * Boot 4 added or moved, with a message that does not say why. Registered in
 * {@code META-INF/spring.factories}, which Spring Boot 3 and 4 both read, and written against API
 * that both lines share.
 */
final class SpringBootVersionCheck implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

	/**
	 * The Spring Boot lines the build and the tests run on.
	 */
	static final String SUPPORTED_LINES = "4.0.x or 4.1.x";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		check(SpringBootVersion.getVersion());
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * Fail unless the given Spring Boot version is of major version 4. A version that cannot be
	 * read (a repackaged Spring Boot without its manifest) passes: nothing is known to be wrong.
	 * @param bootVersion the running Spring Boot version, or {@code null}
	 */
	static void check(String bootVersion) {
		if (bootVersion != null && !bootVersion.startsWith("4.")) {
			throw new UnsupportedSpringBootException(bootVersion);
		}
	}

}
