package io.gdnode.pool.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link UnsupportedSpringBootException} as a start-up failure that names the running
 * Spring Boot version and the supported lines. Uses only API that Spring Boot 3 and 4 share, since
 * it reports on both.
 */
class UnsupportedSpringBootFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedSpringBootException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedSpringBootException cause) {
		String description = "gd-node-pool-starter requires Spring Boot " + SpringBootVersionCheck.SUPPORTED_LINES
				+ "; this application runs Spring Boot " + cause.getBootVersion() + ".";
		String action = "Upgrade Spring Boot to " + SpringBootVersionCheck.SUPPORTED_LINES
				+ ", or remove gd-node-pool-starter.";
		return new FailureAnalysis(description, action, cause);
	}

}
