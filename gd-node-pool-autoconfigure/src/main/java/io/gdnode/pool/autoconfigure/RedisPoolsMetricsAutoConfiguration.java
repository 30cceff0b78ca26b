package io.gdnode.pool.autoconfigure;

import io.gdnode.pool.actuate.RedisPoolMetrics;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the Micrometer meters of the Redis pools.
 */
@AutoConfiguration(after = RedisPoolAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(SharedPoolRegistry.class)
public final class RedisPoolsMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RedisPoolMetrics redisPoolMetrics(SharedPoolRegistry registry) {
		return new RedisPoolMetrics(registry);
	}

}
