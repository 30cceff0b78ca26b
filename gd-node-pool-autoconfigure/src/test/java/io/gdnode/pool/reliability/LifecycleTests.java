package io.gdnode.pool.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import io.gdnode.pool.PoolClosedException;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.client.AsyncRedisPool;
import io.gdnode.pool.client.RoleConnectionFactory;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.registry.BlockingPool;
import io.gdnode.pool.registry.BlockingPools;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutting down while connections are lent and callers wait, and a pool
 * opened for the first time from a Lettuce event-loop thread.
 */
class LifecycleTests {

	private static final AtomicInteger applications = new AtomicInteger();

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private final String application = "lifecycle-" + applications.incrementAndGet();

	/**
	 * Closing the context while all 8 connections of a pool are borrowed and 16
	 * callers wait (with a 10 s wait bound) fails every waiter at once with a
	 * {@link PoolClosedException} that says the pool closed because the application is shutting
	 * down; the context closes within the registry's shutdown bound (2 s per pool); afterwards no
	 * thread the starter started ({@code lettuce-*}, {@code gd-node-pool-cleanup}) and no
	 * connection to Redis remains.
	 */
	@Test
	void shutdownWithLentConnectionsAndWaitersFailsWaitersPromptlyAndLeavesNothingBehind() throws Exception {
		Set<String> threadsBefore = starterThreads();
		ConfigurableApplicationContext context = run("redis.master.pool.size=8", "redis.timeout.wait=10s");
		BlockingPool pool = BlockingPools.of(context.getBean(SharedPoolRegistry.class),
				context.getBean("masterRedisConnectionFactory", RoleConnectionFactory.class));
		context.getBean("masterStringRedisTemplate", StringRedisTemplate.class).opsForValue().set("k", "v");
		List<StatefulRedisConnection<?, ?>> borrowed = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			borrowed.add(pool.borrow());
		}
		ExecutorService waiters = Executors.newFixedThreadPool(16);
		List<Future<Long>> failedAt = new ArrayList<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		for (int i = 0; i < 16; i++) {
			failedAt.add(waiters.submit(() -> {
				try {
					pool.giveBack(pool.borrow());
					return -1L;
				}
				catch (RuntimeException ex) {
					failure.compareAndSet(null, ex);
					return System.nanoTime();
				}
			}));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> pool.getStats().waiting() == 16);
		long closing = System.nanoTime();
		context.close();
		Duration closeTook = Duration.ofNanos(System.nanoTime() - closing);
		long slowestWaiterMillis = 0;
		for (Future<Long> waiter : failedAt) {
			long at = waiter.get(5, TimeUnit.SECONDS);
			assertThat(at).as("a waiter was handed a connection of a closing pool").isNotEqualTo(-1L);
			slowestWaiterMillis = Math.max(slowestWaiterMillis, TimeUnit.NANOSECONDS.toMillis(at - closing));
		}
		waiters.shutdownNow();
		borrowed.forEach(pool::giveBack);
		assertThat(failure.get()).isInstanceOf(PoolClosedException.class)
			.hasMessageContaining("Redis pool 'master'")
			.hasMessageContaining("is closed: the application is shutting down");
		assertThat(slowestWaiterMillis).as("ms from close to the last waiter's failure").isLessThan(1000);
		assertThat(closeTook).isLessThan(Duration.ofSeconds(4));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(starterThreads()).isSubsetOf(threadsBefore);
			assertThat(redis.clientsNamed(this.application)).isZero();
		});
		FailureReport.record("11. shutdown with 8 connections lent and 16 callers waiting",
				"16 of 16 waiters failed " + slowestWaiterMillis + " ms after close began with "
						+ failure.get().getClass().getSimpleName() + ": \"" + failure.get().getMessage()
						+ "\"; context closed in " + FailureReport.format(closeTook)
						+ "; no lettuce-* or gd-node-pool-cleanup thread and no connection left");
	}

	/**
	 * Inside the callback of an async command, which runs on a Lettuce event-loop
	 * thread, a blocking template call on a role whose pool is not open yet opens it and answers,
	 * or fails clearly, within the connect plus command timeout: no deadlock.
	 */
	@Test
	void poolOpenedFromAnEventLoopThreadAnswersWithoutDeadlock() throws Exception {
		try (ConfigurableApplicationContext context = run("redis.slave.url=" + redis.url(1),
				"redis.timeout.connect=2s", "redis.timeout.command=2s")) {
			StringRedisTemplate slave = context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class);
			AsyncRedisPool async = context.getBean(AsyncRedisPool.class);
			assertThat(context.getBean("slaveRedisConnectionFactory", RoleConnectionFactory.class).getPool().getStats()
				.connections()).isZero();
			AtomicReference<String> callbackThread = new AtomicReference<>();
			AtomicLong callbackStart = new AtomicLong();
			// BLPOP on an empty list answers after 200 ms: the callback is attached by then, so it runs
			// on the event loop that reads the answer, never on this thread.
			CompletableFuture<String> result = async.executeExclusive((commands) -> commands.blpop(0.2, "empty-list"))
				.thenApply((nothing) -> {
					callbackStart.set(System.nanoTime());
					callbackThread.set(Thread.currentThread().getName());
					slave.opsForValue().set("from-event-loop", "written");
					return slave.opsForValue().get("from-event-loop");
				});
			String outcome;
			try {
				outcome = "answered " + result.get(5, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				outcome = "failed with " + ex.getCause();
			}
			Duration took = Duration.ofNanos(System.nanoTime() - callbackStart.get());
			assertThat(callbackThread.get()).startsWith("lettuce-");
			// The new connection lands on an event loop in turn: on another one it answers; on the
			// blocked one itself it cannot, and the connect must fail within its timeout, saying why.
			assertThat(outcome).satisfiesAnyOf((answered) -> assertThat(answered).isEqualTo("answered written"),
					(failed) -> assertThat(failed).contains("Redis pool 'slave'", "not connected within 2000 ms",
							"opened from event-loop thread " + callbackThread.get(),
							"call blocking Redis APIs off Lettuce and Reactor event loops"));
			assertThat(took).isLessThan(Duration.ofSeconds(4));
			FailureReport.record("13. pool opened lazily from a Lettuce event-loop thread",
					"a sync slave-template SET and GET inside an async command's callback (thread "
							+ callbackThread.get() + ") opened the slave pool and " + outcome + " in "
							+ FailureReport.format(took) + "; no deadlock");
		}
	}

	private ConfigurableApplicationContext run(String... properties) {
		List<String> all = new ArrayList<>(List.of("redis.master.url=" + redis.url(),
				"redis.client.name=" + this.application));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.logStartupInfo(false)
			.run();
	}

	private static Set<String> starterThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("lettuce-") || name.equals("gd-node-pool-cleanup"))
			.collect(Collectors.toSet());
	}

	@SpringBootConfiguration
	@ImportAutoConfiguration({ RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class })
	static class Application {

	}

}
