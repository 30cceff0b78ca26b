package io.gdnode.pool.autoconfigure;

import java.util.Locale;

/**
 * The environment variable of a {@code redis.*} property, as Spring's relaxed binding maps it,
 * for every message that names a setting.
 */
final class RedisEnvironmentVariables {

	private RedisEnvironmentVariables() {
	}

	/**
	 * Return the environment variable that sets a property: {@code redis.master.pool.size} is
	 * {@code REDIS_MASTER_POOL_SIZE}, {@code redis.cluster.refresh-period} is
	 * {@code REDIS_CLUSTER_REFRESHPERIOD}.
	 * @param property a {@code redis.*} property name
	 * @return the environment variable
	 */
	static String of(String property) {
		return property.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
	}

}
