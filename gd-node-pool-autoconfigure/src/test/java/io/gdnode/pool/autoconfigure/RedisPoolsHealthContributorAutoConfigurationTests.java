package io.gdnode.pool.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gdnode.pool.actuate.RolePoolHealthIndicator;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.SharedPoolRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisPoolsHealthContributorAutoConfiguration} against real Redis servers that
 * are stopped and paused on purpose.
 */
class RedisPoolsHealthContributorAutoConfigurationTests {

	@RegisterExtension
	final LocalRedisExtension master = LocalRedisExtension.standalone().withReplicas(1);

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void createContextRunner() {
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class,
					RedisPoolsHealthContributorAutoConfiguration.class, DataRedisAutoConfiguration.class,
					DataRedisHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withPropertyValues("redis.master.url=" + this.master.url(), "redis.slave.url=" + this.master.replica().url(),
					"redis.local.url=" + this.master.url(), "redis.health.timeout=500ms",
					"redis.client.name=health-test");
	}

	@Test
	void reportsEveryRoleUpAndReplacesSpringBootsRedisHealth() {
		this.contextRunner.run((context) -> {
			// Spring Boot's own Redis health backs off: the one "redis" contributor is ours, a child per role.
			assertThat(context).doesNotHaveBean("redisHealthIndicator");
			assertThat(context.getBean("redisHealthContributor", CompositeHealthContributor.class).stream()
				.map(HealthContributors.Entry::name)).containsExactlyInAnyOrder("master", "slave", "local", "async");
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			for (String role : new String[] { "master", "slave", "local", "async" }) {
				assertThat(health.healthForPath("redis", role).getStatus()).as(role).isEqualTo(Status.UP);
			}
		});
	}

	@Test
	void stoppedMasterIsDownWithinTheTimeout() {
		this.contextRunner.run((context) -> {
			this.master.server().close();
			long start = System.nanoTime();
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			assertThat(health.healthForPath("redis", "master").getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		});
	}

	@Test
	void stoppedReplicaIsReportedWithoutTakingTheApplicationDown() {
		this.contextRunner.run((context) -> {
			this.master.replica().close();
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			assertThat(health.healthForPath("redis", "slave").getStatus()).isEqualTo(RolePoolHealthIndicator.DEGRADED);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void requiredSlaveTakesTheApplicationDown() {
		this.contextRunner.withPropertyValues("redis.health.required=master,slave").run((context) -> {
			this.master.replica().close();
			assertThat(context.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void pausedServerIsAnsweredWithinTheHealthTimeout() throws Exception {
		this.contextRunner.run((context) -> {
			context.getBean(StringRedisTemplate.class).opsForValue().set("k", "v");
			String pid = pid(this.master.server());
			signal("STOP", pid);
			try {
				long start = System.nanoTime();
				assertThat(context.getBean(HealthEndpoint.class).healthForPath("redis", "master").getStatus())
					.isEqualTo(Status.DOWN);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
			}
			finally {
				signal("CONT", pid);
			}
		});
	}

	@Test
	void probesDoNotKeepAnIdlePoolOpen() {
		this.contextRunner.withPropertyValues("redis.timeout.idle=300ms", "redis.cleanup.interval=100ms")
			.run((context) -> {
				context.getBean(StringRedisTemplate.class).opsForValue().set("k", "v");
				SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
				while (registry.getOpenPool("master") != null && System.nanoTime() < end) {
					assertThat(health.health().getStatus()).isEqualTo(Status.UP);
					Thread.sleep(100);
				}
				assertThat(registry.getOpenPool("master")).isNull();
			});
	}

	private static String pid(LocalRedisServer server) {
		Matcher matcher = Pattern.compile("process_id:(\\d+)").matcher(server.command("INFO", "server"));
		assertThat(matcher.find()).isTrue();
		return matcher.group(1);
	}

	private static void signal(String signal, String pid) throws IOException, InterruptedException {
		assertThat(new ProcessBuilder("kill", "-" + signal, pid).start().waitFor()).isZero();
	}

}
