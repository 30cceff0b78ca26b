package io.gdnode.pool.benchmarks;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.gdnode.pool.PoolRole;
import io.lettuce.core.resource.ClientResources;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration.LettucePoolingClientConfigurationBuilder;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A component without the starter: it builds its own pooled {@link LettuceConnectionFactory} per
 * role, as the Spring Data Redis reference shows, with its own event loops unless it is handed
 * Spring Boot's {@link ClientResources}.
 */
final class NaiveComponent implements RedisComponent, DisposableBean {

	/** The starter's default sizes, so that both may open as many connections. */
	private static final Map<PoolRole, Integer> POOL_SIZES = Map.of(PoolRole.MASTER, 10, PoolRole.SLAVE, 20,
			PoolRole.LOCAL, 5);

	private final Map<PoolRole, LettuceConnectionFactory> factories = new EnumMap<>(PoolRole.class);

	private final Map<PoolRole, StringRedisTemplate> templates = new EnumMap<>(PoolRole.class);

	/**
	 * @param resources event loops to share, or {@code null} for the factory's own
	 * @param eviction how long a pooled connection may sit idle before the evictor, running every quarter of
	 * that, closes it; {@code null} for never
	 */
	NaiveComponent(String url, ClientResources resources, Duration eviction) {
		for (PoolRole role : ROLES) {
			LettucePoolingClientConfigurationBuilder configuration = LettucePoolingClientConfiguration.builder()
				.poolConfig(poolConfig(POOL_SIZES.get(role), eviction))
				.clientName(ApplicationMode.CLIENT_NAME + "-" + role.id());
			if (resources != null) {
				configuration.clientResources(resources);
			}
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					LettuceConnectionFactory.createRedisConfiguration(url), configuration.build());
			factory.afterPropertiesSet();
			factory.start();
			this.factories.put(role, factory);
			this.templates.put(role, new StringRedisTemplate(factory));
		}
	}

	private static <T> GenericObjectPoolConfig<T> poolConfig(int size, Duration eviction) {
		GenericObjectPoolConfig<T> config = new GenericObjectPoolConfig<>();
		config.setMaxTotal(size);
		config.setMaxIdle(size);
		if (eviction != null) {
			config.setTimeBetweenEvictionRuns(eviction.dividedBy(4));
			config.setMinEvictableIdleDuration(eviction);
		}
		return config;
	}

	@Override
	public StringRedisTemplate template(PoolRole role) {
		return this.templates.get(role);
	}

	@Override
	public void destroy() {
		this.factories.values().forEach(LettuceConnectionFactory::destroy);
	}

}
