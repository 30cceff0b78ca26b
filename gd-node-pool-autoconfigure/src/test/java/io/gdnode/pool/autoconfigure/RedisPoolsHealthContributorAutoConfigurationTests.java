package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.gdnode.pool.actuate.RedisPoolProbes;
import io.gdnode.pool.actuate.RolePoolHealthIndicator;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.SharedPoolRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisPoolsHealthContributorAutoConfiguration} against real Redis servers that
 * are stopped and paused on purpose.
 */
class RedisPoolsHealthContributorAutoConfigurationTests {

	@RegisterExtension
	final LocalRedisExtension redis = LocalRedisExtension.standalone().withReplicas(1);

	private LocalRedisServer master;

	private LocalRedisServer replica;

	private ApplicationContextRunner contextRunner;

	private final AutoConfigurations autoConfigurations = AutoConfigurations.of(RedisPoolAutoConfiguration.class,
			RedisPoolsHealthContributorAutoConfiguration.class, DataRedisAutoConfiguration.class,
			DataRedisHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
			HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class);

	@BeforeEach
	void createContextRunner() {
		this.master = this.redis.server();
		this.replica = this.redis.replica();
		this.contextRunner = new ApplicationContextRunner().withConfiguration(this.autoConfigurations)
			.withPropertyValues("redis.master.url=" + this.master.url(), "redis.slave.url=" + this.replica.url(),
					"redis.local.url=" + this.master.url(), "redis.health.timeout=1s",
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
			this.master.close();
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
			this.replica.close();
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			assertThat(health.healthForPath("redis", "slave").getStatus()).isEqualTo(RolePoolHealthIndicator.DEGRADED);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void requiredSlaveTakesTheApplicationDown() {
		this.contextRunner.withPropertyValues("redis.health.required=master,slave").run((context) -> {
			this.replica.close();
			assertThat(context.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void pausedServerIsAnsweredWithinTheHealthTimeout() {
		this.contextRunner.run((context) -> {
			context.getBean(StringRedisTemplate.class).opsForValue().set("k", "v");
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			// The first request also loads the endpoint's classes: not what is measured.
			assertThat(health.healthForPath("redis", "master").getStatus()).isEqualTo(Status.UP);
			this.master.pause();
			try {
				long start = System.nanoTime();
				assertThat(health.healthForPath("redis", "master").getStatus())
					.isEqualTo(Status.DOWN);
				// The product's bound: the health timeout (1 s) plus a second.
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
			}
			finally {
				this.master.resume();
			}
		});
	}

	/**
	 * With the default health timeout (2 s), every role's Redis paused, the open master pool
	 * checked on its shared connection and the others through connections of their own: the whole
	 * request answers within the timeout plus the second the starter promises, where checking the
	 * roles one after another took a timeout each. It cannot answer before the timeout, which
	 * shows the roles really waited. The slave role is a pool of the replica with the master to
	 * fall back to, whose recent success is reused (see {@link RedisPoolProbes}). The first
	 * request after {@code kill -CONT} is up.
	 */
	@Test
	void healthOfEveryRoleAnswersWithinTheTimeoutPlusASecondWhileRedisIsPausedAndRecoversAtOnce() {
		new ApplicationContextRunner().withConfiguration(this.autoConfigurations)
			.withPropertyValues("redis.master.url=" + this.master.url(), "redis.local.url=" + this.master.url(),
					"redis.slave.url=" + this.replica.url(), "redis.client.name=health-paused")
			.run((context) -> {
				context.getBean(StringRedisTemplate.class).opsForValue().set("k", "v");
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
				Duration timeout = context.getBean(RedisPoolProperties.class).getHealth().getTimeout();
				assertThat(timeout).isEqualTo(Duration.ofSeconds(2));
				Duration took;
				this.replica.pause();
				this.master.pause();
				try {
					long start = System.nanoTime();
					assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
					took = Duration.ofNanos(System.nanoTime() - start);
					for (String role : new String[] { "master", "local", "async" }) {
						assertThat(details(context, role)).as(role).containsEntry("failure", "timed out");
					}
					assertThat(health.healthForPath("redis", "slave").getStatus()).isEqualTo(Status.UP);
				}
				finally {
					this.master.resume();
					this.replica.resume();
				}
				// The product's bound, no further margin: the second above the timeout is there for a loaded machine.
				assertThat(took).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.plusSeconds(1));
				long start = System.nanoTime();
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout);
			});
	}

	@Test
	void refusedConnectionIsReportedAsRefusedNotAsATimeout() {
		this.contextRunner.run((context) -> {
			this.master.close();
			long start = System.nanoTime();
			Map<String, Object> details = details(context, "master");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
			assertThat(details).containsEntry("failure", "refused");
			assertThat(details.get("error")).asString()
				.contains("refused the connection: nothing listens at 127.0.0.1:" + this.master.port())
				.doesNotContain("did not answer");
		});
	}

	@Test
	void wrongPasswordIsReportedAsAuthenticationFailed() {
		assertThat(this.master.command("ACL", "SETUSER", "app", "on", ">right-secret", "~*", "+@all")).isEqualTo("OK");
		this.contextRunner
			.withPropertyValues("redis.master.url=redis://app:wrong-secret@127.0.0.1:" + this.master.port())
			.run((context) -> {
				Map<String, Object> details = details(context, "master");
				assertThat(details).containsEntry("failure", "authentication failed");
				assertThat(details.get("error")).asString().contains("WRONGPASS").doesNotContain("wrong-secret");
			});
	}

	/**
	 * A master demoted to a replica still answers PING, but refuses every write: its role is down,
	 * saying so, whether its pool is open (checked on the shared connection) or not.
	 */
	@Test
	void demotedMasterIsDownAsAReadOnlyReplica() {
		this.contextRunner.run((context) -> {
			assertThat(details(context, "master")).containsKey("latency_ms");
			context.getBean(StringRedisTemplate.class).opsForValue().set("k", "v");
			assertThat(this.replica.command("REPLICAOF", "NO", "ONE")).isEqualTo("OK");
			assertThat(this.master.command("REPLICAOF", this.replica.host(), String.valueOf(this.replica.port())))
				.isEqualTo("OK");
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			assertThat(health.healthForPath("redis", "master").getStatus()).isEqualTo(Status.DOWN);
			assertThat(details(context, "master")).containsEntry("failure", "read-only replica")
				.containsEntry("open", true);
			assertThat(health.healthForPath("redis", "local").getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void probeOfAPoolThatIsNotOpenLeavesNoConnectionBehind() {
		this.contextRunner.run((context) -> {
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			for (int i = 0; i < 3; i++) {
				assertThat(context.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.UP);
			}
			assertThat(registry.getOpenPool("master")).isNull();
			long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (this.master.clientsNamed("health-test") > 0 && System.nanoTime() < end) {
				Thread.sleep(20);
			}
			assertThat(this.master.clientsNamed("health-test")).isZero();
			assertThat(this.replica.clientsNamed("health-test")).isZero();
		});
	}

	@Test
	void livenessNeverDependsOnRedisAndReadinessFollowsTheRequiredRoles() {
		new ApplicationContextRunner()
			.withConfiguration(this.autoConfigurations)
			.withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class,
					AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class))
			.withPropertyValues("redis.url=" + this.master.url(), "redis.local.url=" + this.master.url(),
					"redis.slave.url=" + this.replica.url(),
					"redis.health.timeout=1s", "management.endpoint.health.probes.enabled=true",
					"management.endpoint.health.group.readiness.include=readinessState,redis")
			.run((context) -> {
				// What SpringApplication publishes once the application has started.
				AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
				AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
				this.replica.close();
				// An optional role does not take readiness away.
				assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
				this.master.close();
				assertThat(health.healthForPath("liveness").getStatus()).isEqualTo(Status.UP);
				assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.DOWN);
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

	private static Map<String, Object> details(AssertableApplicationContext context, String role) {
		HealthIndicator indicator = (HealthIndicator) context
			.getBean("redisHealthContributor", CompositeHealthContributor.class)
			.getContributor(role);
		return indicator.health().getDetails();
	}

}
