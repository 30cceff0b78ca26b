package io.gdnode.pool.autoconfigure;

import java.util.Arrays;
import java.util.List;


import org.springframework.util.StringUtils;

/**
 * The URL settings of the roles as written, and the URL each role falls back to when it has none:
 * the slave and async roles the master's, the master {@code redis.url}, then the loopback Redis.
 * The application's Spring Boot Redis connection comes between the last two; the
 * {@link PoolDefinitionMapper} applies it.
 */
final class RoleUrls {

	/** Where the master connects when nothing names a server, as Spring Boot's own default. */
	static final String LOOPBACK_URL = "redis://localhost:6379";

	private final RedisPoolProperties properties;

	RoleUrls(RedisPoolProperties properties) {
		this.properties = properties;
	}

	/**
	 * Return the URL setting of a role as written, or {@code null}.
	 */
	String setting(ConfiguredRole role) {
		return switch (role) {
			case MASTER -> this.properties.getMaster().getUrl();
			case SLAVE -> this.properties.getSlave().getUrl();
			case LOCAL -> this.properties.getLocal().getUrl();
			case ASYNC -> this.properties.getAsync().getUrl();
		};
	}

	/**
	 * Return the URLs a role's own setting names (several for a slave with a replica list).
	 */
	List<String> configured(ConfiguredRole role) {
		return split(setting(role));
	}

	/**
	 * Return the URL a role connects to through {@code redis.*} settings alone, fall-backs applied.
	 */
	String resolved(ConfiguredRole role) {
		List<String> urls = configured(role);
		if (!urls.isEmpty()) {
			return urls.get(0);
		}
		return switch (role) {
			case MASTER -> (this.properties.getUrl() != null) ? this.properties.getUrl() : LOOPBACK_URL;
			case SLAVE, ASYNC -> resolved(ConfiguredRole.MASTER);
			case LOCAL -> LOOPBACK_URL;
		};
	}

	/**
	 * Split a URL setting into its URLs, ignoring blanks around the commas.
	 */
	static List<String> split(String setting) {
		if (setting == null) {
			return List.of();
		}
		return Arrays.stream(setting.split(",")).map(String::trim).filter(StringUtils::hasText).toList();
	}

	/**
	 * Return {@code host:port} entries without the blanks around them.
	 */
	static List<String> trimmed(List<String> nodes) {
		return nodes.stream().map(String::trim).toList();
	}

}
