package io.gdnode.pool.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.gdnode.pool.PoolView;
import io.gdnode.pool.actuate.RedisPoolProbes;
import io.gdnode.pool.actuate.RolePoolHealthIndicator;
import io.gdnode.pool.client.AsyncRedisPool;
import io.gdnode.pool.client.RoleConnectionFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the health of the Redis pools: one {@code redis} contributor with a child
 * per role, all checked at once so that a request takes one check's time. Named as Spring Boot names its own Redis health contributor, which then backs off, so
 * the two never report the same factories twice.
 */
@AutoConfiguration(after = RedisPoolAutoConfiguration.class,
		before = { DataRedisHealthContributorAutoConfiguration.class,
				DataRedisReactiveHealthContributorAutoConfiguration.class })
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(RoleConnectionFactory.class)
@ConditionalOnEnabledHealthIndicator("redis")
public final class RedisPoolsHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "redisHealthIndicator", "redisHealthContributor" })
	HealthContributor redisHealthContributor(ObjectProvider<RoleConnectionFactory> factories,
			ObjectProvider<AsyncRedisPool> asyncPools, RedisPoolProperties properties) {
		Map<ConfiguredRole, PoolView> pools = new LinkedHashMap<>();
		factories.orderedStream().forEach((factory) -> add(pools, factory.getPool()));
		asyncPools.orderedStream().forEach((async) -> add(pools, async.getPool()));
		// One set of checks for every role, so that they run at once.
		RedisPoolProbes probes = new RedisPoolProbes(pools.values(), properties.getHealth().getTimeout());
		Map<String, HealthContributor> roles = new LinkedHashMap<>();
		pools.forEach((role, pool) -> roles.put(role.id(), new RolePoolHealthIndicator(pool, probes,
				properties.getHealth().getRequired().contains(role))));
		return CompositeHealthContributor.fromMap(roles);
	}

	private static void add(Map<ConfiguredRole, PoolView> pools, PoolView pool) {
		pools.putIfAbsent(ConfiguredRole.of(pool.getDefinition()), pool);
	}

}
