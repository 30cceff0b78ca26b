package io.gdnode.pool.autoconfigure;

import java.util.Locale;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolLimit;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolType;
import io.gdnode.pool.client.PoolSettingNames;

/**
 * The settings of {@link RedisPoolProperties} behind each {@link PoolLimit}, named both ways an
 * operator sets them: environment variable and property, for example
 * {@code REDIS_TIMEOUT_COMMAND (redis.timeout.command)}.
 */
final class RedisPoolSettingNames implements PoolSettingNames {

	static final RedisPoolSettingNames INSTANCE = new RedisPoolSettingNames();

	private RedisPoolSettingNames() {
	}

	@Override
	public String name(PoolDefinition definition, PoolLimit limit) {
		String property = property(definition, limit);
		return environmentVariable(property) + " (" + property + ")";
	}

	static String property(PoolDefinition definition, PoolLimit limit) {
		String role = ConfiguredRole.of(definition).id();
		return switch (limit) {
			case COMMAND_TIMEOUT -> "redis.timeout.command";
			case WAIT_TIMEOUT -> "redis.timeout.wait";
			case CONNECT_TIMEOUT -> "redis.timeout.connect";
			case POOL_SIZE -> (definition.type() == PoolType.ASYNC) ? "redis.async.pool.max"
					: "redis." + role + ".pool.size";
			case ENDPOINT -> endpointProperty(definition.topology(), role);
			case TLS_TRUST -> "redis." + role + ".ssl.bundle";
			case REPLICA_FALLBACK -> "redis.slave.fallback";
		};
	}

	private static String endpointProperty(PoolTopology topology, String role) {
		return switch (topology.kind()) {
			case SENTINEL -> "redis.sentinel.nodes";
			case CLUSTER -> "redis.cluster.nodes";
			default -> "redis." + role + ".url";
		};
	}

	/**
	 * Return the environment variable that relaxed binding maps to the property.
	 */
	static String environmentVariable(String property) {
		return property.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
	}

}
