package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.gdnode.pool.client.RoleConnectionFactory;
import io.gdnode.pool.localredis.LocalRedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Boot's Redis bean names with the starter: they name the master role's beans, an
 * application's beans of those names keep them, and an application's own
 * {@code redisConnectionFactory} is the master role, against real Redis servers.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringBootRedisBeanNamesTests {

	private static final AtomicInteger contexts = new AtomicInteger();

	@RegisterExtension
	static final LocalRedisExtension master = LocalRedisExtension.standalone();

	/** The server the application's own connection factory names. */
	@RegisterExtension
	static final LocalRedisExtension applicationRedis = LocalRedisExtension.standalone();

	private final String name = "bean-names-test-" + contexts.incrementAndGet();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class))
		.withPropertyValues("redis.url=" + master.url(), "redis.local.url=" + master.url(1),
				"redis.client.name=" + this.name);

	@Test
	void springBootsBeanNamesResolveToTheMasterRole(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(InjectsSpringBootsBeanNames.class).run((context) -> {
			Object masterFactory = context.getBean("masterRedisConnectionFactory");
			assertThat(context.getBean("redisConnectionFactory")).isSameAs(masterFactory);
			assertThat(context.getBean("stringRedisTemplate")).isSameAs(context.getBean("masterStringRedisTemplate"));
			assertThat(context.getBean("redisTemplate", RedisTemplate.class).getConnectionFactory())
				.isSameAs(masterFactory);
			assertThat(context.getBean("reactiveRedisTemplate", ReactiveRedisTemplate.class).getConnectionFactory())
				.isSameAs(masterFactory);
			assertThat(context.getBean("reactiveStringRedisTemplate", ReactiveStringRedisTemplate.class)
				.getConnectionFactory()).isSameAs(masterFactory);
			// What an application that injects Boot's beans by name writes lands in the master's Redis.
			InjectedByName injected = context.getBean(InjectedByName.class);
			assertThat(injected.connectionFactory()).isSameAs(masterFactory);
			injected.strings().opsForValue().set(this.name + ":strings", "1");
			assertThat(master.command("GET", this.name + ":strings")).isEqualTo("1");
			long keys = dbSize(master);
			injected.objects().opsForValue().set(this.name + ":objects", "2");
			assertThat(injected.objects().opsForValue().get(this.name + ":objects")).isEqualTo("2");
			assertThat(injected.reactive().opsForValue().set(this.name + ":reactive", "3").block(Duration.ofSeconds(5)))
				.isTrue();
			assertThat(dbSize(master)).isEqualTo(keys + 2);
			assertThat(master.clientsNamed(this.name + "-master")).isGreaterThanOrEqualTo(1);
		});
		assertThat(output).doesNotContain("is the master role");
	}

	@Test
	void applicationsBeansOfSpringBootsNamesKeepThem() {
		this.contextRunner
			.withBean("stringRedisTemplate", StringRedisTemplate.class,
					() -> new StringRedisTemplate(new LettuceConnectionFactory()))
			.run((context) -> {
				assertThat(context.getBean("stringRedisTemplate"))
					.isNotSameAs(context.getBean("masterStringRedisTemplate"));
				assertThat(context.getBean("redisConnectionFactory"))
					.isSameAs(context.getBean("masterRedisConnectionFactory"));
			});
	}

	@Test
	void applicationsOwnRedisConnectionFactoryIsTheMasterRoleAndAWarningSaysSo(CapturedOutput output) {
		this.contextRunner
			.withBean("redisConnectionFactory", LettuceConnectionFactory.class, () -> new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", applicationRedis.port())))
			.run((context) -> {
				Object own = context.getBean("redisConnectionFactory");
				assertThat(own).isNotInstanceOf(RoleConnectionFactory.class);
				assertThat(context.getBean("masterRedisConnectionFactory")).isSameAs(own);
				assertThat(context.getBean(RedisConnectionFactory.class)).isSameAs(own);
				assertThat(context.getBean("redisTemplate", RedisTemplate.class).getConnectionFactory()).isSameAs(own);
				context.getBean("stringRedisTemplate", StringRedisTemplate.class).opsForValue().set(this.name, "own");
				assertThat(applicationRedis.command("GET", this.name)).isEqualTo("own");
				assertThat(master.command("GET", this.name)).isNull();
				// The other roles stay the starter's, on its settings.
				StringRedisTemplate slave = context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class);
				assertThat(slave.getConnectionFactory()).isInstanceOf(RoleConnectionFactory.class);
				slave.opsForValue().get(this.name);
				assertThat(master.clientsNamed(this.name + "-slave")).isEqualTo(1);
			});
		assertThat(output.getAll().lines().filter((line) -> line.contains("'redisConnectionFactory'")))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("is the master role", "rename it to "
					+ "'masterRedisConnectionFactory'", "spring.data.redis.* or REDIS_MASTER_URL"));
	}

	private static long dbSize(LocalRedisExtension server) {
		return Long.parseLong(server.command("DBSIZE"));
	}

	record InjectedByName(RedisConnectionFactory connectionFactory, StringRedisTemplate strings,
			RedisTemplate<Object, Object> objects, ReactiveRedisTemplate<Object, Object> reactive) {

	}

	@Configuration(proxyBeanMethods = false)
	static class InjectsSpringBootsBeanNames {

		@Bean
		InjectedByName injectedByName(@Qualifier("redisConnectionFactory") RedisConnectionFactory connectionFactory,
				@Qualifier("stringRedisTemplate") StringRedisTemplate strings,
				@Qualifier("redisTemplate") RedisTemplate<Object, Object> objects,
				@Qualifier("reactiveRedisTemplate") ReactiveRedisTemplate<Object, Object> reactive) {
			return new InjectedByName(connectionFactory, strings, objects, reactive);
		}

	}

}
