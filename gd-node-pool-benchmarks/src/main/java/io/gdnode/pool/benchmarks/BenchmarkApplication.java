package io.gdnode.pool.benchmarks;

import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The Spring Boot application of every Spring-based mode: auto-configuration only, no component
 * scan, no web server. Modes differ only in their properties and in the components they register.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class BenchmarkApplication {

	/** Switches the starter off, for the modes that show what a user does without it. */
	static final String WITHOUT_STARTER = "io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration,"
			+ "io.gdnode.pool.autoconfigure.RedisPoolsEndpointAutoConfiguration";

	static ConfigurableApplicationContext run(Map<String, Object> properties,
			ApplicationContextInitializer<GenericApplicationContext> components) {
		SpringApplication application = new SpringApplication(BenchmarkApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setDefaultProperties(properties);
		application.addInitializers(components);
		return application.run();
	}

}
