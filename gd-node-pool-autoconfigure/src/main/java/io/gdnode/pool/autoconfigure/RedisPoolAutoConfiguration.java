package io.gdnode.pool.autoconfigure;

import io.gdnode.pool.connection.AsyncRedisPool;
import io.gdnode.pool.connection.RoleConnectionFactory;
import io.gdnode.pool.registry.PoolDefinition;
import io.gdnode.pool.registry.PoolRole;
import io.gdnode.pool.registry.SharedClientResources;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import org.apache.commons.pool2.impl.GenericObjectPool;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Auto-configuration of the {@link SharedPoolRegistry} and its role-named beans: a connection
 * factory per role (the master one primary, so Spring Boot's templates, caching and sessions use
 * it), role-named string templates and the async pool. Runs before Spring Boot's Redis
 * auto-configuration, whose connection factory and client resources then back off.
 */
@AutoConfiguration(before = { DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class })
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class, GenericObjectPool.class })
@EnableConfigurationProperties(RedisPoolProperties.class)
public final class RedisPoolAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ClientResources.class)
	static SharedClientResources lettuceClientResources() {
		return new SharedClientResources();
	}

	@Bean
	@ConfigurationPropertiesBinding
	static BooleanNumberConverter redisBooleanNumberConverter() {
		return new BooleanNumberConverter();
	}

	@Bean
	@ConditionalOnMissingBean
	SharedPoolRegistry sharedPoolRegistry(RedisPoolProperties properties, ClientResources clientResources) {
		SharedPoolRegistry registry = new SharedPoolRegistry(clientResources, properties.getTimeout().getIdle(),
				properties.getCleanup().getInterval(), properties.isShared());
		registry.setLeakDetectionThreshold(properties.getLeak().getThreshold());
		return registry;
	}

	@Bean
	@Primary
	@ConditionalOnMissingBean(name = "masterRedisConnectionFactory")
	RoleConnectionFactory masterRedisConnectionFactory(SharedPoolRegistry registry, RedisPoolProperties properties,
			Environment environment, ObjectProvider<SslBundles> sslBundles) {
		return roleConnectionFactory(registry, properties, environment, sslBundles, PoolRole.MASTER);
	}

	@Bean
	@ConditionalOnMissingBean(name = "slaveRedisConnectionFactory")
	RoleConnectionFactory slaveRedisConnectionFactory(SharedPoolRegistry registry, RedisPoolProperties properties,
			Environment environment, ObjectProvider<SslBundles> sslBundles) {
		return roleConnectionFactory(registry, properties, environment, sslBundles, PoolRole.SLAVE);
	}

	@Bean
	@ConditionalOnMissingBean(name = "localRedisConnectionFactory")
	RoleConnectionFactory localRedisConnectionFactory(SharedPoolRegistry registry, RedisPoolProperties properties,
			Environment environment, ObjectProvider<SslBundles> sslBundles) {
		return roleConnectionFactory(registry, properties, environment, sslBundles, PoolRole.LOCAL);
	}

	@Bean
	@ConditionalOnMissingBean(name = "asyncRedisPool")
	AsyncRedisPool asyncRedisPool(SharedPoolRegistry registry, RedisPoolProperties properties,
			Environment environment, ObjectProvider<SslBundles> sslBundles) {
		return new AsyncRedisPool(registry, definition(properties, environment, sslBundles, PoolRole.ASYNC));
	}

	@Bean
	@Primary
	@ConditionalOnMissingBean(name = "masterStringRedisTemplate")
	StringRedisTemplate masterStringRedisTemplate(
			@Qualifier("masterRedisConnectionFactory") RedisConnectionFactory connectionFactory) {
		return new StringRedisTemplate(connectionFactory);
	}

	@Bean
	@ConditionalOnMissingBean(name = "slaveStringRedisTemplate")
	StringRedisTemplate slaveStringRedisTemplate(
			@Qualifier("slaveRedisConnectionFactory") RedisConnectionFactory connectionFactory) {
		return new StringRedisTemplate(connectionFactory);
	}

	@Bean
	@ConditionalOnMissingBean(name = "localStringRedisTemplate")
	StringRedisTemplate localStringRedisTemplate(
			@Qualifier("localRedisConnectionFactory") RedisConnectionFactory connectionFactory) {
		return new StringRedisTemplate(connectionFactory);
	}

	private static RoleConnectionFactory roleConnectionFactory(SharedPoolRegistry registry,
			RedisPoolProperties properties, Environment environment, ObjectProvider<SslBundles> sslBundles,
			PoolRole role) {
		return new RoleConnectionFactory(registry, definition(properties, environment, sslBundles, role));
	}

	private static PoolDefinition definition(RedisPoolProperties properties, Environment environment,
			ObjectProvider<SslBundles> sslBundles, PoolRole role) {
		return new RedisPoolSettings(properties).definition(role, environment.getProperty("spring.application.name"),
				sslBundles.getIfAvailable());
	}

}
