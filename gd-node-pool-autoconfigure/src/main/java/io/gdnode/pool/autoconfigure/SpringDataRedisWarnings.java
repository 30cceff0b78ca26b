package io.gdnode.pool.autoconfigure;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisURI;

/**
 * What start-up warns about the application's Spring Boot Redis connection: the master's
 * {@code redis.*} endpoint and that connection both set and naming different servers, or a
 * setting of the latter that the roles cannot apply.
 */
final class SpringDataRedisWarnings {

	private final RedisPoolProperties properties;

	private final SpringDataRedisSettings springDataRedis;

	private final PoolDefinitionMapper mapper;

	SpringDataRedisWarnings(RedisPoolProperties properties, SpringDataRedisSettings springDataRedis,
			PoolDefinitionMapper mapper) {
		this.properties = properties;
		this.springDataRedis = springDataRedis;
		this.mapper = mapper;
	}

	/**
	 * Return the warnings, one message each.
	 */
	List<String> warnings() {
		List<String> warnings = new ArrayList<>();
		String conflict = endpointConflict();
		if (conflict != null) {
			warnings.add(conflict);
		}
		if (this.mapper.usesSpringDataRedis(ConfiguredRole.MASTER) && this.springDataRedis.sentinelUsername() != null) {
			warnings.add("spring.data.redis.sentinel.username is not supported: the sentinels are asked with "
					+ "spring.data.redis.sentinel.password alone. Give the sentinels' default user that password.");
		}
		return warnings;
	}

	private String endpointConflict() {
		if (!this.springDataRedis.isConfigured() || this.mapper.usesSpringDataRedis(ConfiguredRole.MASTER)) {
			return null;
		}
		ConfiguredEndpoint starters = masterEndpoint();
		ConfiguredEndpoint boots = this.springDataRedis.endpoint();
		if (starters.address().equals(boots.address())) {
			return null;
		}
		String property = masterEndpointProperty();
		String setting = RedisEnvironmentVariables.of(property) + " (" + property + ")";
		return "Two Redis endpoints are set: " + setting + " names " + starters.shown() + ", and the application's "
				+ "Spring Boot Redis connection (spring.data.redis.*, or a DataRedisConnectionDetails bean such as a "
				+ "Testcontainers @ServiceConnection) names " + boots.shown() + ". The master role, and the slave and "
				+ "async roles without a URL of their own, use " + setting + ". Remove one of the two, or make both "
				+ "name the same Redis.";
	}

	private String masterEndpointProperty() {
		RedisPoolProperties p = this.properties;
		if (!p.getSentinel().getNodes().isEmpty()) {
			return "redis.sentinel.nodes";
		}
		if (!p.getCluster().getNodes().isEmpty()) {
			return "redis.cluster.nodes";
		}
		return RoleUrls.split(p.getMaster().getUrl()).isEmpty() ? "redis.url" : "redis.master.url";
	}

	private ConfiguredEndpoint masterEndpoint() {
		RedisPoolProperties p = this.properties;
		String url = new RoleUrls(p).resolved(ConfiguredRole.MASTER);
		RedisURI uri = RedisURI.create(url);
		String scheme = uri.isSsl() ? "rediss" : "redis";
		String credentials = ConfiguredEndpoint.credentials(URI.create(url).getRawUserInfo());
		if (!p.getSentinel().getNodes().isEmpty()) {
			String nodes = String.join(",", RoleUrls.trimmed(p.getSentinel().getNodes()));
			String name = p.getSentinel().getMaster().trim();
			return new ConfiguredEndpoint("sentinel " + name + " " + nodes + "/" + uri.getDatabase(),
					scheme + "-sentinel://" + credentials + nodes + "/" + uri.getDatabase() + "#" + name);
		}
		if (!p.getCluster().getNodes().isEmpty()) {
			String nodes = String.join(",", RoleUrls.trimmed(p.getCluster().getNodes()));
			return new ConfiguredEndpoint("cluster " + nodes, scheme + "://" + credentials + nodes + " (cluster)");
		}
		String address = uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
		return new ConfiguredEndpoint(address, scheme + "://" + credentials + address);
	}

}
