package io.gdnode.pool.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.gdnode.pool.Endpoint;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolTopology;
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
		RedisURI startersUri = this.mapper.uri(ConfiguredRole.MASTER);
		PoolTopology startersTopology = this.mapper.topology(ConfiguredRole.MASTER);
		RedisURI bootsUri = this.springDataRedis.uri();
		PoolTopology bootsTopology = this.springDataRedis.servers();
		// Compared without users: the same servers under two users are one endpoint.
		if (Endpoint.of(startersUri, null, startersTopology).url()
			.equals(Endpoint.of(bootsUri, null, bootsTopology).url())) {
			return null;
		}
		Endpoint starters = Endpoint.of(startersUri, PoolDefinition.credentials(startersUri).getUsername(),
				startersTopology);
		Endpoint boots = Endpoint.of(bootsUri, PoolDefinition.credentials(bootsUri).getUsername(), bootsTopology);
		String property = masterEndpointProperty();
		String setting = RedisEnvironmentVariables.of(property) + " (" + property + ")";
		return "Two Redis endpoints are set: " + setting + " names " + starters + ", and the application's "
				+ "Spring Boot Redis connection (spring.data.redis.*, or a DataRedisConnectionDetails bean such as a "
				+ "Testcontainers @ServiceConnection) names " + boots + ". The master role, and the slave and "
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

}
