package io.gdnode.pool.autoconfigure;

/**
 * Thrown at start-up when the application runs a Spring Boot line the starter does not support.
 */
public class UnsupportedSpringBootException extends IllegalStateException {

	private final String bootVersion;

	UnsupportedSpringBootException(String bootVersion) {
		super("gd-node-pool-starter requires Spring Boot " + SpringBootVersionCheck.SUPPORTED_LINES
				+ "; this application runs Spring Boot " + bootVersion
				+ ". Upgrade Spring Boot or remove gd-node-pool-starter.");
		this.bootVersion = bootVersion;
	}

	/**
	 * Return the Spring Boot version the application runs, such as {@code 3.5.7}.
	 * @return the running Spring Boot version
	 */
	public String getBootVersion() {
		return this.bootVersion;
	}

}
