package io.gdnode.pool.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link SpringBootVersionCheck} and {@link UnsupportedSpringBootFailureAnalyzer}. The
 * module gd-node-pool-boot3-check starts a real Spring Boot 3 application with the starter.
 */
class SpringBootVersionCheckTests {

	@Test
	void isRegisteredForEverySpringApplication() {
		assertThat(new SpringApplication().getInitializers()).hasAtLeastOneElementOfType(SpringBootVersionCheck.class);
	}

	@Test
	void passesSilentlyOnTheSpringBootLineOfTheBuild() {
		assertThat(SpringBootVersion.getVersion()).startsWith("4.");
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			assertThatNoException().isThrownBy(() -> new SpringBootVersionCheck().initialize(context));
		}
	}

	@Test
	void passesEveryVersionOfSpringBoot4() {
		assertThatNoException().isThrownBy(() -> SpringBootVersionCheck.check("4.0.0"));
		assertThatNoException().isThrownBy(() -> SpringBootVersionCheck.check("4.1.2"));
	}

	@Test
	void passesWhenTheVersionCannotBeRead() {
		assertThatNoException().isThrownBy(() -> SpringBootVersionCheck.check(null));
	}

	@Test
	void failsOnSpringBoot3NamingTheSupportedLines() {
		assertThatExceptionOfType(UnsupportedSpringBootException.class)
			.isThrownBy(() -> SpringBootVersionCheck.check("3.5.7"))
			.withMessage("gd-node-pool-starter requires Spring Boot 4.0.x or 4.1.x; this application runs "
					+ "Spring Boot 3.5.7. Upgrade Spring Boot or remove gd-node-pool-starter.");
	}

	@Test
	void failureAnalysisSaysWhatToChange() {
		FailureAnalysis analysis = new UnsupportedSpringBootFailureAnalyzer()
			.analyze(new IllegalStateException(new UnsupportedSpringBootException("3.5.7")));
		assertThat(analysis.getDescription()).isEqualTo(
				"gd-node-pool-starter requires Spring Boot 4.0.x or 4.1.x; this application runs Spring Boot 3.5.7.");
		assertThat(analysis.getAction()).isEqualTo("Upgrade Spring Boot to 4.0.x or 4.1.x, or remove gd-node-pool-starter.");
	}

}
