package io.gdnode.pool.benchmarks;

import java.util.List;

import io.gdnode.pool.PoolRole;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * An application component that wants a master, a slave and a local Redis. How it gets a template
 * for each is what the modes differ in.
 */
interface RedisComponent {

	List<PoolRole> ROLES = List.of(PoolRole.MASTER, PoolRole.SLAVE, PoolRole.LOCAL);

	StringRedisTemplate template(PoolRole role);

	/**
	 * PING through every role once, so that lazily opened connections are open when measured.
	 */
	default void useEveryRole() {
		for (PoolRole role : ROLES) {
			template(role).execute((RedisCallback<String>) (connection) -> connection.ping());
		}
	}

}
