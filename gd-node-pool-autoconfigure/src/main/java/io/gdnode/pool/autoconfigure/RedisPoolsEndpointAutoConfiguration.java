package io.gdnode.pool.autoconfigure;

import io.gdnode.pool.actuate.RedisPoolsEndpoint;
import io.gdnode.pool.registry.SharedPoolRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code redispools} Actuator endpoint.
 */
@AutoConfiguration(after = RedisPoolAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(RedisPoolsEndpoint.class)
public final class RedisPoolsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(SharedPoolRegistry.class)
	RedisPoolsEndpoint redisPoolsEndpoint(SharedPoolRegistry registry) {
		return new RedisPoolsEndpoint(registry);
	}

}
