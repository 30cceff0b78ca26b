package io.gdnode.pool.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Makes Spring Boot's Redis bean names resolve with the starter: {@code redisConnectionFactory}
 * and {@code stringRedisTemplate} name the master role's factory and string template, unless the
 * application has beans of those names. Boot's own {@code redisTemplate},
 * {@code reactiveRedisTemplate} and {@code reactiveStringRedisTemplate} exist as they are, on the
 * primary (master) factory.
 * <p>
 * An application's own {@code redisConnectionFactory} bean is the master role, as it was Spring
 * Boot's only factory before the starter: the starter's master factory backs off,
 * {@code masterRedisConnectionFactory} names that bean, it is made primary when no other
 * connection factory is, and start-up logs a warning that says so.
 * <p>
 * Runs as the starter's auto-configuration registers its beans: after the application's beans
 * and before Spring Boot's Redis auto-configuration, whose templates need one primary factory
 * when their conditions are evaluated.
 */
final class SpringBootRedisBeanNames implements ImportBeanDefinitionRegistrar {

	/** Spring Boot's name of its connection factory. */
	static final String CONNECTION_FACTORY = "redisConnectionFactory";

	private static final String MASTER_CONNECTION_FACTORY = "masterRedisConnectionFactory";

	private static final Log logger = LogFactory.getLog(SpringBootRedisBeanNames.class);

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		if (registry.containsBeanDefinition(CONNECTION_FACTORY) && !registry.isBeanNameInUse(MASTER_CONNECTION_FACTORY)
				&& registry instanceof ConfigurableListableBeanFactory beanFactory
				&& beanFactory.isTypeMatch(CONNECTION_FACTORY, RedisConnectionFactory.class)) {
			registry.registerAlias(CONNECTION_FACTORY, MASTER_CONNECTION_FACTORY);
			makePrimary(beanFactory);
		}
		alias(registry, MASTER_CONNECTION_FACTORY, CONNECTION_FACTORY);
		alias(registry, "masterStringRedisTemplate", "stringRedisTemplate");
	}

	private static void alias(BeanDefinitionRegistry registry, String name, String alias) {
		if (registry.containsBeanDefinition(name) && !registry.isBeanNameInUse(alias)) {
			registry.registerAlias(name, alias);
		}
	}

	private static void makePrimary(ConfigurableListableBeanFactory beanFactory) {
		BeanDefinition definition = beanFactory.getBeanDefinition(CONNECTION_FACTORY);
		boolean primaryElsewhere = false;
		for (String name : beanFactory.getBeanNamesForType(RedisConnectionFactory.class, true, false)) {
			primaryElsewhere |= !name.equals(CONNECTION_FACTORY) && beanFactory.getMergedBeanDefinition(name).isPrimary();
		}
		// Boot's templates, caching and sessions need one primary factory among the roles' factories.
		if (!definition.isPrimary() && !primaryElsewhere) {
			definition.setPrimary(true);
			beanFactory.clearMetadataCache();
		}
		String origin = (definition.getResourceDescription() != null) ? " (" + definition.getResourceDescription() + ")"
				: "";
		logger.warn("The application's bean '" + CONNECTION_FACTORY + "'" + origin + " is the master role: writes, "
				+ "Spring Boot's templates, caching and sessions use it, without the starter's master pool (it is not "
				+ "in /actuator/redispools). To keep it, rename it to '" + MASTER_CONNECTION_FACTORY + "' (and make it "
				+ "@Primary); to have the starter pool the master, remove it and set spring.data.redis.* or "
				+ "REDIS_MASTER_URL.");
	}

}
