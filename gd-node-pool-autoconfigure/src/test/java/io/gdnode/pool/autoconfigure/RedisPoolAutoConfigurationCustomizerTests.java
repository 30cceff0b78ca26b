package io.gdnode.pool.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gdnode.pool.client.AsyncRedisPool;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@link RedisPoolAutoConfiguration} applies Spring Boot's Lettuce customizer beans, as
 * Spring Boot applies them to its own connection factory, against a real Redis.
 */
class RedisPoolAutoConfigurationCustomizerTests {

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("redis.url=" + redis.url(), "redis.local.url=" + redis.url(1),
				"redis.client.name=customized");

	@Test
	void clientOptionsCustomizersApplyToEveryPoolOnceAfterTheStartersSettings() {
		this.contextRunner.withUserConfiguration(ClientOptionsCustomizerBeans.class)
			.withPropertyValues("redis.client.queue=1234")
			.run((context) -> {
			useEveryRole(context);
			ClientOptionsCustomizerBeans beans = context.getBean(ClientOptionsCustomizerBeans.class);
			// Once per pool: master, slave and local (each serving blocking and reactive use), and async.
			assertThat(beans.options.get()).isEqualTo(4);
			assertThat(beans.configurations.get()).isEqualTo(4);
			assertThat(beans.starterQueueSeen).isTrue();
			assertThat(beans.optionsSeenByConfiguration).isTrue();
			List<String> protocols = redis.clientList()
				.stream()
				.filter((client) -> client.get("name").startsWith("customized-"))
				.map((client) -> client.get("resp"))
				.distinct()
				.toList();
			assertThat(protocols).containsExactly("2");
		});
	}

	@Test
	void clientResourcesCustomizersApplyInOrderToTheResourcesEveryPoolUses() {
		this.contextRunner.withUserConfiguration(ClientResourcesCustomizerBeans.class).run((context) -> {
			ClientResourcesCustomizerBeans beans = context.getBean(ClientResourcesCustomizerBeans.class);
			assertThat(beans.calls).containsExactly("first", "second");
			assertThat(context.getBean(SharedPoolRegistry.class).getClientResources())
				.isSameAs(context.getBean(ClientResources.class));
			useEveryRole(context);
			assertThat(beans.channels.get()).isGreaterThanOrEqualTo(4);
		});
	}

	@Test
	void contextWithResourcesCustomizersRunsOnTheSharedEventLoopsAndLeavesThemRunningWhenClosed() {
		this.contextRunner.run((plain) -> {
			ClientResources shared = plain.getBean(ClientResources.class);
			this.contextRunner.withUserConfiguration(ClientResourcesCustomizerBeans.class).run((customized) -> {
				ClientResources own = customized.getBean(ClientResources.class);
				assertThat(own).isNotSameAs(shared);
				assertThat(own.eventLoopGroupProvider()).isSameAs(shared.eventLoopGroupProvider());
				useEveryRole(customized);
			});
			useEveryRole(plain);
			assertThat(shared.eventExecutorGroup().isShuttingDown()).isFalse();
		});
	}

	private static void useEveryRole(ApplicationContext context) throws Exception {
		for (String role : new String[] { "master", "slave", "local" }) {
			context.getBean(role + "StringRedisTemplate", StringRedisTemplate.class).opsForValue().set("k", role);
		}
		context.getBean(AsyncRedisPool.class).execute((commands) -> commands.get("k")).get(5, TimeUnit.SECONDS);
	}

	@Configuration(proxyBeanMethods = false)
	static class ClientOptionsCustomizerBeans {

		final AtomicInteger options = new AtomicInteger();

		final AtomicInteger configurations = new AtomicInteger();

		volatile boolean starterQueueSeen;

		volatile boolean optionsSeenByConfiguration;

		@Bean
		LettuceClientOptionsBuilderCustomizer resp2() {
			return (builder) -> {
				this.options.incrementAndGet();
				// The starter's own settings come first: the application changes them.
				this.starterQueueSeen = builder.build().getRequestQueueSize() == 1234;
				builder.protocolVersion(ProtocolVersion.RESP2);
			};
		}

		@Bean
		LettuceClientConfigurationBuilderCustomizer configurationCustomizer() {
			return (builder) -> {
				this.configurations.incrementAndGet();
				ClientOptions seen = builder.build().getClientOptions().orElseThrow();
				this.optionsSeenByConfiguration = seen.getConfiguredProtocolVersion() == ProtocolVersion.RESP2;
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClientResourcesCustomizerBeans {

		final List<String> calls = new CopyOnWriteArrayList<>();

		final AtomicInteger channels = new AtomicInteger();

		@Bean
		@Order(2)
		ClientResourcesBuilderCustomizer second() {
			return (builder) -> this.calls.add("second");
		}

		@Bean
		@Order(1)
		ClientResourcesBuilderCustomizer first() {
			return (builder) -> {
				this.calls.add("first");
				builder.nettyCustomizer(new NettyCustomizer() {

					@Override
					public void afterChannelInitialized(Channel channel) {
						ClientResourcesCustomizerBeans.this.channels.incrementAndGet();
					}

				});
			};
		}

	}

}
