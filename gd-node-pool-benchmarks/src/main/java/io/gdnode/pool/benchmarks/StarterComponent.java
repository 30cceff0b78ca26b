package io.gdnode.pool.benchmarks;

import java.util.EnumMap;
import java.util.Map;

import io.gdnode.pool.PoolRole;
import io.gdnode.pool.client.RoleConnectionFactory;
import io.gdnode.pool.registry.SharedPoolRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A component on the starter that, like the naive one, builds its own connection factory per role:
 * a {@link RoleConnectionFactory} on the registry, with the definition of the auto-configured one.
 * The registry, not Spring's singletons, is then what keeps N components on one set of pools.
 */
final class StarterComponent implements RedisComponent, DisposableBean {

	private final Map<PoolRole, RoleConnectionFactory> factories = new EnumMap<>(PoolRole.class);

	private final Map<PoolRole, StringRedisTemplate> templates = new EnumMap<>(PoolRole.class);

	StarterComponent(ApplicationContext context) {
		SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
		for (PoolRole role : ROLES) {
			RoleConnectionFactory autoConfigured = context.getBean(role.id() + "RedisConnectionFactory",
					RoleConnectionFactory.class);
			RoleConnectionFactory factory = new RoleConnectionFactory(registry,
					autoConfigured.getPool().getDefinition());
			factory.afterPropertiesSet();
			factory.start();
			this.factories.put(role, factory);
			this.templates.put(role, new StringRedisTemplate(factory));
		}
	}

	@Override
	public StringRedisTemplate template(PoolRole role) {
		return this.templates.get(role);
	}

	@Override
	public void destroy() {
		this.factories.values().forEach(RoleConnectionFactory::destroy);
	}

}
