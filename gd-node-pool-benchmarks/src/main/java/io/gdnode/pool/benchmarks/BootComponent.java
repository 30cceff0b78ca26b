package io.gdnode.pool.benchmarks;

import io.gdnode.pool.PoolRole;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A component on Spring Boot's default auto-configuration: Boot configures one Redis, so every
 * role goes through its one {@link StringRedisTemplate}.
 *
 * @param template Spring Boot's template
 */
record BootComponent(StringRedisTemplate template) implements RedisComponent {

	@Override
	public StringRedisTemplate template(PoolRole role) {
		return this.template;
	}

}
