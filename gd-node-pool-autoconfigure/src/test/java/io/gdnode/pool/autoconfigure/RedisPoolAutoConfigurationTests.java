package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.gdnode.pool.client.AsyncRedisPool;
import io.gdnode.pool.client.RoleConnectionFactory;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisPoolAutoConfiguration} against a real Redis master and replica.
 */
class RedisPoolAutoConfigurationTests {

	private static final AtomicInteger applications = new AtomicInteger();

	@RegisterExtension
	static final LocalRedisExtension master = LocalRedisExtension.standalone().withReplicas(1);

	private final String application = "autoconfig-test-" + applications.incrementAndGet();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class,
				DataRedisReactiveAutoConfiguration.class))
		.withPropertyValues("redis.master.url=" + master.url(), "redis.slave.url=" + master.replica().url(),
				"redis.local.url=" + master.url(2), "redis.client.name=" + this.application);

	@Test
	void providesRoleNamedBeansWithMasterPrimaryForSpringBootsTemplates() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SharedPoolRegistry.class).hasSingleBean(AsyncRedisPool.class);
			assertThat(context.getBeansOfType(RedisConnectionFactory.class)).containsOnlyKeys(
					"masterRedisConnectionFactory", "slaveRedisConnectionFactory", "localRedisConnectionFactory");
			assertThat(context.getBeansOfType(StringRedisTemplate.class)).containsOnlyKeys("masterStringRedisTemplate",
					"slaveStringRedisTemplate", "localStringRedisTemplate");
			Object master = context.getBean("masterRedisConnectionFactory");
			assertThat(context.getBean(RedisConnectionFactory.class)).isSameAs(master);
			assertThat(context.getBean("redisTemplate", RedisTemplate.class).getConnectionFactory()).isSameAs(master);
			assertThat(context.getBean(StringRedisTemplate.class).getConnectionFactory()).isSameAs(master);
			assertThat(context.getBean(ReactiveStringRedisTemplate.class).getConnectionFactory()).isSameAs(master);
			assertThat(context.getBean(ClientResources.class))
				.isSameAs(context.getBean(SharedPoolRegistry.class).getClientResources());
		});
	}

	@Test
	void everyBeanBacksOffWhenTheApplicationDefinesItsOwn() {
		this.contextRunner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context.getBean("masterRedisConnectionFactory")).isNotInstanceOf(RoleConnectionFactory.class);
			assertThat(context.getBean("slaveStringRedisTemplate").getClass()).isEqualTo(UserTemplate.class);
			assertThat(context.getBean(SharedPoolRegistry.class).getClientResources())
				.isSameAs(context.getBean("userClientResources"));
		});
	}

	@Test
	void startUpOpensNoConnection() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(connections()).isZero();
			assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats().totalPools()).isZero();
		});
	}

	@Test
	void startsWhileRedisIsDownAndConnectsWhenItComesBack() {
		int port = LocalRedisServer.freeLoopbackPort();
		this.contextRunner.withPropertyValues("redis.master.url=redis://127.0.0.1:" + port,
				"redis.timeout.connect=500ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> template.hasKey("k"));
				try (LocalRedisServer late = LocalRedisServer.startOn(port)) {
					// The pool's connect backoff (100 ms after one failure) may outlast a fast Redis start.
					await().atMost(Duration.ofSeconds(2))
						.ignoreExceptionsInstanceOf(DataAccessException.class)
						.untilAsserted(() -> template.opsForValue().set("k", "back"));
					assertThat(late.command("GET", "k")).isEqualTo("back");
				}
			});
	}

	@Test
	void writesGoToTheMasterAndReadsToTheReplica() {
		this.contextRunner.run((context) -> {
			context.getBean("masterStringRedisTemplate", StringRedisTemplate.class).opsForValue().set("note", "hi");
			StringRedisTemplate slave = context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> "hi".equals(slave.opsForValue().get("note")));
			assertThat(master.replica().clientsNamed(this.application + "-slave")).isEqualTo(1);
			// The slave pool also holds a connection to the master, for writes and the read fall-back; reads skip it.
			long gets = getCalls(master);
			slave.opsForValue().get("note");
			assertThat(getCalls(master)).isEqualTo(gets);
		});
	}

	private static long getCalls(LocalRedisExtension server) {
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("cmdstat_get:calls=(\\d+)")
			.matcher(server.command("INFO", "commandstats"));
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

	@Test
	void localAndAsyncPoolsWork() {
		this.contextRunner.run((context) -> {
			context.getBean("localStringRedisTemplate", StringRedisTemplate.class).opsForValue().set("visits", "1");
			assertThat(master.clientsNamed(this.application + "-local")).isEqualTo(1);
			String value = context.getBean(AsyncRedisPool.class)
				.execute((commands) -> commands.set("async", "yes").thenCompose((ok) -> commands.get("async")))
				.get(5, TimeUnit.SECONDS);
			assertThat(value).isEqualTo("yes");
			assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats().pools()).containsKeys("local", "async");
			// The pool opens its minimum of 5 at once, the first call waiting for the first of them only;
			// that caller may get one more while the others connect.
			await().atMost(Duration.ofSeconds(5)).until(() -> master.clientsNamed(this.application + "-async") >= 5);
			assertThat(master.clientsNamed(this.application + "-async")).isBetween(5L, 6L);
		});
	}

	@Test
	void reactiveOperationsShareTheRolePoolsConnection() {
		this.contextRunner.run((context) -> {
			ReactiveStringRedisTemplate template = context.getBean(ReactiveStringRedisTemplate.class);
			assertThat(template.opsForValue().set("reactive", "ok").then(template.opsForValue().get("reactive"))
				.block(Duration.ofSeconds(5))).isEqualTo("ok");
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			assertThat(registry.getPoolStats().pools()).doesNotContainKey("master-reactive");
			var stats = registry.getPoolStats("master");
			assertThat(stats.connections()).isEqualTo(1);
			assertThat(stats.borrowed()).isZero();
			// A command's lease is released just after its subscriber got the reply.
			await().atMost(Duration.ofSeconds(5)).until(() -> registry.getPoolStats("master").leases() == 0);
		});
	}

	@Test
	void disabledPoolStillWorksWithoutPooling() {
		this.contextRunner.withPropertyValues("redis.master.pool.enabled=0").run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("unpooled", "1");
			assertThat(transaction(template)).containsExactly(true, "1");
			assertThat(pushAndBlockingPop(template, "unpooled:queue")).isEqualTo("job");
			var stats = context.getBean(SharedPoolRegistry.class).getPoolStats("master");
			assertThat(stats.pooled()).isFalse();
			assertThat(stats.idle()).isZero();
			// The shared connection, the one for transactions, and one opened for the blocking pop and closed after it.
			assertThat(stats.created()).isEqualTo(3);
			assertThat(stats.destroyed()).isEqualTo(1);
		});
	}

	@Test
	void callersBeyondThePoolSizeNeverOpenMoreThanSizePlusTheSharedAndTransactionConnections() throws Exception {
		this.contextRunner.withPropertyValues("redis.master.pool.size=2", "redis.timeout.wait=10s").run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			AtomicLong mostConnections = new AtomicLong();
			ExecutorService executor = Executors.newFixedThreadPool(8);
			try {
				List<Future<?>> results = new ArrayList<>();
				for (int t = 0; t < 8; t++) {
					results.add(executor.submit(() -> {
						for (int i = 0; i < 30; i++) {
							transaction(template);
							pushAndBlockingPop(template, "queue:" + Thread.currentThread().getName());
							template.opsForValue().get("plain");
							mostConnections.accumulateAndGet(connections(), Math::max);
						}
						return null;
					}));
				}
				for (Future<?> result : results) {
					result.get(60, TimeUnit.SECONDS);
				}
			}
			finally {
				executor.shutdownNow();
			}
			assertThat(mostConnections.get()).isBetween(3L, 4L);
			assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats("master").created()).isLessThanOrEqualTo(4);
		});
	}

	@Test
	void twoApplicationContextsShareOnePoolUntilTheLastCloses() {
		this.contextRunner.run((first) -> {
			StringRedisTemplate firstTemplate = first.getBean(StringRedisTemplate.class);
			ConfigurableApplicationContext second = startSecondContext();
			StringRedisTemplate secondTemplate = second.getBean(StringRedisTemplate.class);
			firstTemplate.opsForValue().set("shared", "1");
			assertThat(secondTemplate.opsForValue().get("shared")).isEqualTo("1");
			assertThat(master.clientsNamed(this.application + "-master")).isEqualTo(1);
			assertThat(first.getBean(SharedPoolRegistry.class).getPoolStats("master").clients()).isEqualTo(2);
			second.close();
			assertThat(firstTemplate.opsForValue().get("shared")).isEqualTo("1");
			assertThat(master.clientsNamed(this.application + "-master")).isEqualTo(1);
			assertThat(first.getBean(SharedPoolRegistry.class).getPoolStats("master").clients()).isEqualTo(1);
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> connections() == 0);
	}

	@Test
	void idlePoolsAreClosedWithoutTheApplicationSwitchingOnScheduling() {
		this.contextRunner.withPropertyValues("redis.timeout.idle=200ms", "redis.cleanup.interval=100ms")
			.run((context) -> {
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				template.opsForValue().set("idle", "1");
				assertThat(connections()).isEqualTo(1);
				SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> registry.getPoolStats().totalPools() == 0);
				await().atMost(Duration.ofSeconds(5)).until(() -> connections() == 0);
				assertThat(template.opsForValue().get("idle")).isEqualTo("1");
				assertThat(registry.getPoolStats().totalPools()).isEqualTo(1);
			});
	}

	@Test
	void closingTheContextLeavesNoThreadsAndNoConnections() {
		List<String> before = threads();
		this.contextRunner.run((context) -> {
			context.getBean(StringRedisTemplate.class).opsForValue().set("bye", "1");
			context.getBean(AsyncRedisPool.class).execute((commands) -> commands.get("bye")).get(5, TimeUnit.SECONDS);
			assertThat(connections()).isGreaterThan(1);
			assertThat(threads()).isNotEmpty();
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> connections() == 0);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(threads()).isSubsetOf(before));
	}

	private ConfigurableApplicationContext startSecondContext() {
		return new SpringApplicationBuilder(SecondApplication.class).web(WebApplicationType.NONE)
			.properties("redis.master.url=" + master.url(), "redis.client.name=" + this.application,
					"spring.main.banner-mode=off")
			.run();
	}

	private static List<String> threads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((name) -> name.startsWith("lettuce-") || name.startsWith("gd-node-pool-")
					|| name.contains("commons-pool"))
			.toList();
	}

	private long connections() {
		return master.clientsNamed(this.application + "-");
	}

	private static String pushAndBlockingPop(StringRedisTemplate template, String queue) {
		template.opsForList().leftPush(queue, "job");
		return template.opsForList().leftPop(queue, Duration.ofSeconds(1));
	}

	private static List<Object> transaction(StringRedisTemplate template) {
		return template.execute(new SessionCallback<>() {

			@Override
			@SuppressWarnings("unchecked")
			public List<Object> execute(RedisOperations operations) throws DataAccessException {
				operations.multi();
				operations.opsForValue().set("tx", "1");
				operations.opsForValue().get("tx");
				return operations.exec();
			}

		});
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration({ RedisPoolAutoConfiguration.class,
			DataRedisAutoConfiguration.class })
	static class SecondApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		@Primary
		LettuceConnectionFactory masterRedisConnectionFactory() {
			return new LettuceConnectionFactory();
		}

		@Bean
		UserTemplate slaveStringRedisTemplate(LettuceConnectionFactory masterRedisConnectionFactory) {
			return new UserTemplate(masterRedisConnectionFactory);
		}

		@Bean(destroyMethod = "shutdown")
		ClientResources userClientResources() {
			return DefaultClientResources.create();
		}

	}

	static class UserTemplate extends StringRedisTemplate {

		UserTemplate(RedisConnectionFactory connectionFactory) {
			super(connectionFactory);
		}

	}

}
