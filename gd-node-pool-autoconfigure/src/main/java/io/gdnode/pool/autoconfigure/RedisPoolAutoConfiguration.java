package io.gdnode.pool.autoconfigure;

import java.util.function.Consumer;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.client.AsyncRedisPool;
import io.gdnode.pool.client.RoleConnectionFactory;
import io.gdnode.pool.connect.SharedClientResources;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.commons.pool2.impl.GenericObjectPool;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Auto-configuration of the {@link SharedPoolRegistry} and its role-named beans: a connection
 * factory per role (the master one primary, so Spring Boot's templates, caching and sessions use
 * it), role-named string templates and the async pool. Runs before Spring Boot's Redis
 * auto-configuration, whose connection factory and client resources then back off; its
 * {@link DataRedisConnectionDetails} bean, read when the roles are created, is the default
 * endpoint of the master, slave and async roles, and Boot's bean names resolve to the master
 * role's beans ({@link SpringBootRedisBeanNames}). Spring Boot's customizer beans apply as they
 * would to its own: {@link ClientResourcesBuilderCustomizer}s to the client resources,
 * {@link LettuceClientOptionsBuilderCustomizer}s and
 * {@link LettuceClientConfigurationBuilderCustomizer}s to the client options of every pool.
 */
@AutoConfiguration(before = { DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class })
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class, GenericObjectPool.class })
@EnableConfigurationProperties(RedisPoolProperties.class)
@Import(SpringBootRedisBeanNames.class)
public final class RedisPoolAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RedisPoolAutoConfiguration.class);

	private final ClientOptionsCustomizers clientOptionsCustomizers;

	/**
	 * Check the properties before any bean uses them, so that a bad value stops start-up even
	 * when the application defines every bean itself.
	 */
	RedisPoolAutoConfiguration(RedisPoolProperties properties, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<LettuceClientOptionsBuilderCustomizer> clientOptionsCustomizers,
			ObjectProvider<LettuceClientConfigurationBuilderCustomizer> clientConfigurationCustomizers) {
		new RedisPoolPropertiesValidator(properties, sslBundles.getIfAvailable()).validate();
		this.clientOptionsCustomizers = new ClientOptionsCustomizers(clientOptionsCustomizers,
				clientConfigurationCustomizers);
	}

	@Bean
	@ConditionalOnMissingBean(ClientResources.class)
	static SharedClientResources lettuceClientResources(ObjectProvider<ClientResourcesBuilderCustomizer> customizers,
			ObjectProvider<RedisPoolProperties> properties) {
		return new SharedClientResources(() -> customizers.orderedStream()
			.<Consumer<DefaultClientResources.Builder>>map((customizer) -> customizer::customize)
			.toList(), () -> properties.getObject().getClient().isCoalesce());
	}

	@Bean
	@ConfigurationPropertiesBinding
	static BooleanNumberConverter redisBooleanNumberConverter() {
		return new BooleanNumberConverter();
	}

	@Bean
	static UnknownRedisVariables unknownRedisVariables(ApplicationContext context,
			ConfigurableEnvironment environment) {
		return new UnknownRedisVariables(context, environment);
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
	@ConditionalOnMissingBean(name = { "masterRedisConnectionFactory", SpringBootRedisBeanNames.CONNECTION_FACTORY })
	RoleConnectionFactory masterRedisConnectionFactory(SharedPoolRegistry registry, RedisPoolProperties properties,
			Environment environment, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<DataRedisConnectionDetails> connectionDetails,
			ObjectProvider<DataRedisProperties> dataRedisProperties) {
		SpringDataRedisSettings springDataRedis = springDataRedis(environment, connectionDetails, dataRedisProperties);
		PoolDefinitionMapper mapper = mapper(properties, springDataRedis);
		// Logged once, here: the slave and async roles follow the master's endpoint.
		new SpringDataRedisWarnings(properties, springDataRedis, mapper).warnings().forEach(logger::warn);
		return roleConnectionFactory(registry, mapper, environment, sslBundles, ConfiguredRole.MASTER);
	}

	@Bean
	@ConditionalOnMissingBean(name = "slaveRedisConnectionFactory")
	RoleConnectionFactory slaveRedisConnectionFactory(SharedPoolRegistry registry, RedisPoolProperties properties,
			Environment environment, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<DataRedisConnectionDetails> connectionDetails,
			ObjectProvider<DataRedisProperties> dataRedisProperties) {
		return roleConnectionFactory(registry,
				mapper(properties, springDataRedis(environment, connectionDetails, dataRedisProperties)), environment,
				sslBundles, ConfiguredRole.SLAVE);
	}

	@Bean
	@ConditionalOnMissingBean(name = "localRedisConnectionFactory")
	RoleConnectionFactory localRedisConnectionFactory(SharedPoolRegistry registry, RedisPoolProperties properties,
			Environment environment, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<DataRedisConnectionDetails> connectionDetails,
			ObjectProvider<DataRedisProperties> dataRedisProperties) {
		return roleConnectionFactory(registry,
				mapper(properties, springDataRedis(environment, connectionDetails, dataRedisProperties)), environment,
				sslBundles, ConfiguredRole.LOCAL);
	}

	@Bean
	@ConditionalOnMissingBean(name = "asyncRedisPool")
	AsyncRedisPool asyncRedisPool(SharedPoolRegistry registry, RedisPoolProperties properties,
			Environment environment, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<DataRedisConnectionDetails> connectionDetails,
			ObjectProvider<DataRedisProperties> dataRedisProperties) {
		PoolDefinitionMapper mapper = mapper(properties,
				springDataRedis(environment, connectionDetails, dataRedisProperties));
		return new AsyncRedisPool(registry, definition(mapper, environment, sslBundles, ConfiguredRole.ASYNC),
				RedisPoolSettingNames.INSTANCE);
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

	/**
	 * Return the application's Spring Boot Redis connection, whose beans exist by now (Boot's Redis
	 * auto-configuration defines them after this one) unless the application excluded it.
	 */
	private static SpringDataRedisSettings springDataRedis(Environment environment,
			ObjectProvider<DataRedisConnectionDetails> connectionDetails,
			ObjectProvider<DataRedisProperties> dataRedisProperties) {
		return SpringDataRedisSettings.of(connectionDetails.getIfAvailable(), dataRedisProperties.getIfAvailable(),
				environment);
	}

	private PoolDefinitionMapper mapper(RedisPoolProperties properties, SpringDataRedisSettings springDataRedis) {
		return new PoolDefinitionMapper(properties, springDataRedis, this.clientOptionsCustomizers);
	}

	private static RoleConnectionFactory roleConnectionFactory(SharedPoolRegistry registry,
			PoolDefinitionMapper mapper, Environment environment, ObjectProvider<SslBundles> sslBundles,
			ConfiguredRole role) {
		return new RoleConnectionFactory(registry, definition(mapper, environment, sslBundles, role),
				RedisPoolSettingNames.INSTANCE);
	}

	private static PoolDefinition definition(PoolDefinitionMapper mapper, Environment environment,
			ObjectProvider<SslBundles> sslBundles, ConfiguredRole role) {
		return mapper.definition(role, environment.getProperty("spring.application.name"),
				sslBundles.getIfAvailable());
	}

}
