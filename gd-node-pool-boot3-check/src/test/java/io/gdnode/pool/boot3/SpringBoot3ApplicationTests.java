package io.gdnode.pool.boot3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A Spring Boot 3.5 application that adds gd-node-pool-starter stops at start-up with a message
 * that says which Spring Boot lines the starter supports, instead of failing on a class that only
 * Spring Boot 4 has.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringBoot3ApplicationTests {

	private static final String MESSAGE = "gd-node-pool-starter requires Spring Boot 4.0.x or 4.1.x; "
			+ "this application runs Spring Boot 3.5.7. Upgrade Spring Boot or remove gd-node-pool-starter.";

	@Test
	void runsOnSpringBoot35() {
		assertThat(SpringBootVersion.getVersion()).isEqualTo("3.5.7");
	}

	@Test
	void startupFailsNamingTheSupportedSpringBootLines(CapturedOutput output) {
		SpringApplication application = new SpringApplication(Boot3Application.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(application::run).withMessage(MESSAGE);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("gd-node-pool-starter requires Spring Boot 4.0.x or 4.1.x; this application runs Spring Boot 3.5.7.")
			.contains("Upgrade Spring Boot to 4.0.x or 4.1.x, or remove gd-node-pool-starter.")
			.doesNotContain("org.springframework.boot.thread.Threading");
	}

	@SpringBootApplication
	static class Boot3Application {

	}

}
