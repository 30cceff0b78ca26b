package io.gdnode.pool.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.autoconfigure.RedisPoolsHealthContributorAutoConfiguration;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.SharedPoolRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis goes away under load and comes back: crashed, shut down, frozen, or not there at start-up.
 * Every wait is bounded, recovery follows within the reconnect cap, nothing acknowledged is lost.
 */
class OutageTests {

	static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

	static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	static final Duration WAIT_TIMEOUT = Duration.ofSeconds(1);

	static final Duration RECONNECT_CAP = Duration.ofMillis(500);

	/** Scheduling noise allowed on top of a bound, on a shared 2-core machine. */
	static final Duration SLACK = Duration.ofMillis(500);

	private static final AtomicInteger applications = new AtomicInteger();

	private final String application = "outage-" + applications.incrementAndGet();

	private LocalRedisServer redis;

	@AfterEach
	void stopRedis() {
		if (this.redis != null) {
			this.redis.close();
		}
	}

	private ApplicationContextRunner contextRunner(String url) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class,
					RedisPoolsHealthContributorAutoConfiguration.class, DataRedisAutoConfiguration.class,
					HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
					HealthEndpointAutoConfiguration.class))
			.withPropertyValues("redis.master.url=" + url, "redis.slave.url=" + url, "redis.local.url=" + url,
					"redis.client.name=" + this.application, "redis.timeout.command=" + COMMAND_TIMEOUT.toMillis() + "ms",
					"redis.timeout.connect=" + CONNECT_TIMEOUT.toMillis() + "ms",
					"redis.timeout.wait=" + WAIT_TIMEOUT.toMillis() + "ms",
					"redis.timeout.reconnect=" + RECONNECT_CAP.toMillis() + "ms", "redis.timeout.keepalive=1s");
	}

	/**
	 * {@code kill -9} under a write load of 8 threads, restarted on the same port after 2 s.
	 * Callers learn of it at once (the kernel closes the sockets), no call takes longer than the
	 * command timeout plus the wait bound, writes succeed again within the reconnect cap plus 1 s of
	 * the restart, every acknowledged write is in the restarted Redis (append-only file, fsync
	 * always), and no connection stays lent.
	 */
	@Test
	void killDuringWritesLosesNoAcknowledgedWriteAndRecoversWithinTheReconnectCap() {
		outageUnderWriteLoad("1. `kill -9` under an 8-thread write load, back after 2 s", LocalRedisServer::kill);
	}

	/**
	 * A graceful shutdown (SIGTERM) under the same load: detected at once, not at the
	 * command timeout, and otherwise the same outcome as a crash.
	 */
	@Test
	void gracefulShutdownIsDetectedAtOnceNotAtTheCommandTimeout() {
		outageUnderWriteLoad("2. graceful restart (SIGTERM) under the same load", (server) -> {
			server.signal("TERM");
			server.awaitExit();
		});
	}

	private void outageUnderWriteLoad(String scenario, Consumer<LocalRedisServer> stop) {
		this.redis = LocalRedisServer.start("--appendonly", "yes", "--appendfsync", "always");
		contextRunner(this.redis.url()).run((context) -> {
			StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
			Set<String> acknowledged = ConcurrentHashMap.newKeySet();
			List<CallerLoad.Call> calls;
			long stopped;
			long restarted;
			Duration recovery;
			try (CallerLoad load = new CallerLoad(8, (thread, sequence) -> {
				String key = "w:" + thread + ":" + sequence;
				master.opsForValue().set(key, "v");
				acknowledged.add(key);
			})) {
				await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() > 500);
				stop.accept(this.redis);
				stopped = System.nanoTime();
				CallerLoad.Call firstFailure = load.awaitFailure(Duration.ofSeconds(5));
				Duration detection = Duration.ofNanos(Math.max(0, firstFailure.endNanos() - stopped));
				assertThat(detection).as("first error after the process was gone").isLessThan(COMMAND_TIMEOUT);
				assertThat(firstFailure.failure()).isNotInstanceOf(QueryTimeoutException.class);
				CallerLoad.sleep(Duration.ofSeconds(2));
				this.redis = this.redis.restart();
				restarted = System.nanoTime();
				recovery = load.awaitSuccessAfter(restarted, Duration.ofSeconds(10)).orElseThrow();
				assertThat(recovery).as("first acknowledged write after the restart")
					.isLessThanOrEqualTo(RECONNECT_CAP.plus(Duration.ofSeconds(1)));
				CallerLoad.sleep(Duration.ofMillis(300));
				calls = load.stop();
				recordOutage(scenario, calls, detection, recovery, stopped);
			}
			Duration longest = longestCall(calls);
			assertThat(longest).as("longest call").isLessThanOrEqualTo(COMMAND_TIMEOUT.plus(WAIT_TIMEOUT).plus(SLACK));
			List<String> keys = new ArrayList<>(acknowledged);
			for (int from = 0; from < keys.size(); from += 1000) {
				List<String> batch = keys.subList(from, Math.min(keys.size(), from + 1000));
				assertThat(master.countExistingKeys(batch)).as("acknowledged writes present").isEqualTo(batch.size());
			}
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> registry.getPoolStats("master").active() == 0);
		});
	}

	private static void recordOutage(String scenario, List<CallerLoad.Call> calls, Duration detection,
			Duration recovery, long stopped) {
		long failed = calls.stream().filter((call) -> !call.succeeded()).count();
		String kinds = failureKinds(calls);
		FailureReport.record(scenario, "first error " + FailureReport.format(detection)
				+ " after the process was gone; " + failed + " calls failed fast (" + kinds + "), longest call "
				+ FailureReport.format(longestCall(calls)) + "; first success " + FailureReport.format(recovery)
				+ " after Redis was back; no acknowledged write lost");
	}

	/**
	 * Return each kind of failure once, with its message: what the application saw.
	 */
	static String failureKinds(List<CallerLoad.Call> calls) {
		return calls.stream()
			.filter((call) -> !call.succeeded())
			.map((call) -> call.failure().getClass().getSimpleName() + ": \"" + rootMessage(call.failure()) + "\"")
			.map((kind) -> kind.replaceAll("\\d+ ms\\)", "N ms)"))
			.distinct()
			.sorted()
			.reduce((a, b) -> a + "; " + b)
			.orElse("none");
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.getMessage();
	}

	private static Duration longestCall(List<CallerLoad.Call> calls) {
		return calls.stream().map(CallerLoad.Call::duration).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
	}

	/**
	 * Redis frozen (SIGSTOP) for 2.5 s, longer than the 1 s command timeout, then
	 * resumed. Callers get timeouts at the command timeout, not before and not much after; the pool
	 * is not exhausted afterwards; calls succeed again within a second of SIGCONT.
	 */
	@Test
	void frozenRedisGivesTimeoutsAtTheCommandTimeoutAndRecoversWithinASecond() {
		this.redis = LocalRedisServer.start();
		contextRunner(this.redis.url()).run((context) -> {
			StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
			AtomicInteger successes = new AtomicInteger();
			List<CallerLoad.Call> calls;
			Duration recovery;
			try (CallerLoad load = new CallerLoad(8, (thread, sequence) -> {
				if (sequence % 10 == 0) {
					master.execute(transaction("t:" + thread));
				}
				else {
					master.opsForValue().set("k:" + thread, String.valueOf(sequence));
				}
				successes.incrementAndGet();
			})) {
				await().atMost(Duration.ofSeconds(10)).until(() -> successes.get() > 500);
				this.redis.signal("STOP");
				CallerLoad.sleep(Duration.ofMillis(2500));
				this.redis.signal("CONT");
				long resumed = System.nanoTime();
				recovery = load.awaitSuccessAfter(resumed, Duration.ofSeconds(10)).orElseThrow();
				CallerLoad.sleep(Duration.ofSeconds(1));
				calls = load.stop();
			}
			List<CallerLoad.Call> timeouts = calls.stream()
				.filter((call) -> call.failure() instanceof QueryTimeoutException)
				.toList();
			assertThat(timeouts).as("timed-out calls").isNotEmpty();
			for (CallerLoad.Call call : timeouts) {
				assertThat(call.duration()).isGreaterThanOrEqualTo(COMMAND_TIMEOUT.minusMillis(5))
					.isLessThanOrEqualTo(COMMAND_TIMEOUT.plus(SLACK));
			}
			assertThat(longestCall(calls)).isLessThanOrEqualTo(COMMAND_TIMEOUT.plus(WAIT_TIMEOUT).plus(SLACK));
			assertThat(recovery).as("first success after SIGCONT").isLessThanOrEqualTo(Duration.ofSeconds(1));
			SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> registry.getPoolStats("master").active() == 0);
			assertThat(registry.getPoolStats("master").waiting()).isZero();
			master.execute(transaction("after"));
			assertThat(master.opsForValue().get("after")).isEqualTo("1");
			Duration slowestTimeout = timeouts.stream()
				.map(CallerLoad.Call::duration)
				.max(Comparator.naturalOrder())
				.orElseThrow();
			FailureReport.record("3. Redis frozen (SIGSTOP) for 2.5 s, command timeout 1 s",
					timeouts.size() + " calls timed out after " + FailureReport.format(COMMAND_TIMEOUT) + " to "
							+ FailureReport.format(slowestTimeout) + "; longest call "
							+ FailureReport.format(longestCall(calls)) + "; first success "
							+ FailureReport.format(recovery) + " after SIGCONT; pool not exhausted");
		});
	}

	static SessionCallback<Object> transaction(String key) {
		return new SessionCallback<>() {

			@Override
			@SuppressWarnings({ "unchecked", "rawtypes" })
			public Object execute(RedisOperations operations) {
				operations.multi();
				operations.opsForValue().set(key, "1");
				return operations.exec();
			}

		};
	}

	/**
	 * Redis is down when the application starts and comes up 5 s later. The
	 * application starts, health says DOWN, calls fail within the connect timeout, and once Redis
	 * answers, calls succeed within the reconnect cap and health says UP.
	 */
	@Test
	void applicationStartsWithRedisDownAndUsesItOnceItIsUp() {
		int port = LocalRedisServer.freeLoopbackPort();
		contextRunner("redis://127.0.0.1:" + port).run((context) -> {
			assertThat(context).hasNotFailed();
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
			StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
			long start = System.nanoTime();
			Duration recovery;
			List<CallerLoad.Call> calls;
			try (CallerLoad load = new CallerLoad(4, (thread, sequence) -> master.opsForValue().get("k"))) {
				CallerLoad.sleep(Duration.ofSeconds(5));
				this.redis = LocalRedisServer.startOn(port);
				long up = System.nanoTime();
				recovery = load.awaitSuccessAfter(up, Duration.ofSeconds(10)).orElseThrow();
				calls = load.stop();
			}
			long attempts = calls.stream().filter((call) -> !call.succeeded()).count();
			assertThat(longestCall(calls)).as("longest call").isLessThanOrEqualTo(CONNECT_TIMEOUT.plus(SLACK));
			assertThat(recovery).as("first success after Redis answered")
				.isLessThanOrEqualTo(RECONNECT_CAP.plus(SLACK));
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			FailureReport.record("12. Redis down at start-up, up 5 s later",
					"the application starts, health DOWN; " + attempts + " calls in "
							+ FailureReport.format(Duration.ofNanos(System.nanoTime() - start))
							+ " failed, longest " + FailureReport.format(longestCall(calls))
							+ "; first success " + FailureReport.format(recovery) + " after Redis answered");
		});
	}

}
