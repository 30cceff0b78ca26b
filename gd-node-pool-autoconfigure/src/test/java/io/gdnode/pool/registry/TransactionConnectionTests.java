package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.gdnode.pool.PoolStats;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.localredis.LocalRedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TransactionConnection} and {@link TransactionLane}: transactions through
 * Spring Data Redis templates, against a real Redis.
 */
class TransactionConnectionTests {

	private static final AtomicInteger applications = new AtomicInteger();

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private final String application = "tx-test-" + applications.incrementAndGet();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("redis.master.url=" + redis.url(), "redis.client.name=" + this.application);

	@Test
	void concurrentTransactionsShareOneConnectionAndEachRunsWhole() throws Exception {
		this.contextRunner.run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			int threads = 16;
			int transactions = 200;
			AtomicLong mostConnections = new AtomicLong();
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			try {
				List<Future<?>> results = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					String own = "tx:own:" + t;
					results.add(executor.submit(() -> {
						for (int i = 0; i < transactions; i++) {
							List<Object> result = transaction(template, (operations) -> {
								operations.opsForValue().increment("tx:counter");
								operations.opsForValue().increment("tx:counter");
								operations.opsForValue().set(own, "v");
							});
							// Nothing of another transaction ran between this one's two increments.
							assertThat(result).hasSize(3);
							assertThat((Long) result.get(1)).isEqualTo((Long) result.get(0) + 1);
							assertThat(result.get(2)).isEqualTo(true);
							assertThat(template.opsForValue().get(own)).isEqualTo("v");
							mostConnections.accumulateAndGet(connections(), Math::max);
						}
						return null;
					}));
				}
				for (Future<?> result : results) {
					result.get(2, TimeUnit.MINUTES);
				}
			}
			finally {
				executor.shutdownNow();
			}
			assertThat(template.opsForValue().get("tx:counter")).isEqualTo(String.valueOf(2 * threads * transactions));
			// The shared connection for plain commands and the transaction lane: no dedicated connection.
			assertThat(mostConnections.get()).isEqualTo(2);
			PoolStats stats = context.getBean(SharedPoolRegistry.class).getPoolStats("master");
			assertThat(stats.created()).isEqualTo(2);
			assertThat(stats.borrowed()).isZero();
			assertThat(stats.transactions()).isEqualTo(threads * transactions);
		});
	}

	@Test
	void watchGetsAConnectionOfItsOwnAndAConflictStillAbortsTheTransaction() {
		this.contextRunner.run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("tx:watched", "before");
			List<Object> result = session(template, (operations) -> {
				operations.watch("tx:watched");
				// Another client changes the watched key (plain commands run on the shared connection).
				template.opsForValue().set("tx:watched", "changed");
				operations.multi();
				operations.opsForValue().set("tx:watched", "mine");
				return operations.exec();
			});
			assertThat(result).isEmpty();
			assertThat(template.opsForValue().get("tx:watched")).isEqualTo("changed");
			assertThat(context.getBean(SharedPoolRegistry.class).getPoolStats("master").borrowed()).isOne();
		});
	}

	@Test
	void blockingPopAfterATransactionOfTheSameSessionGetsAConnectionOfItsOwn() {
		this.contextRunner.run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			String popped = session(template, (operations) -> {
				operations.multi();
				operations.opsForList().leftPush("tx:queue", "job");
				operations.exec();
				return operations.opsForList().leftPop("tx:queue", Duration.ofSeconds(1));
			});
			assertThat(popped).isEqualTo("job");
			PoolStats stats = context.getBean(SharedPoolRegistry.class).getPoolStats("master");
			assertThat(stats.borrowed()).isOne();
			assertThat(stats.active()).isZero();
		});
	}

	@Test
	void pipelinedTransactionAloneSharesTheTransactionLane() {
		this.contextRunner.run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			List<Object> results = template.executePipelined(new SessionCallback<>() {

				@Override
				@SuppressWarnings("unchecked")
				public Object execute(RedisOperations operations) throws DataAccessException {
					operations.multi();
					operations.opsForValue().set("tx:pipelined", "1");
					operations.opsForValue().increment("tx:pipelined");
					operations.exec();
					return null;
				}

			});
			assertThat(results).containsExactly(List.of(true, 2L));
			PoolStats stats = context.getBean(SharedPoolRegistry.class).getPoolStats("master");
			assertThat(stats.borrowed()).isZero();
			assertThat(stats.transactions()).isOne();
		});
	}

	@Test
	void transactionAbandonedBeforeExecSendsNothing() {
		this.contextRunner.run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> transaction(template, (operations) -> {
				operations.opsForValue().set("tx:abandoned", "1");
				throw new IllegalStateException("application gave up");
			}));
			assertThat(template.opsForValue().get("tx:abandoned")).isNull();
			assertThat(transaction(template, (operations) -> operations.opsForValue().set("tx:after", "1")))
				.containsExactly(true);
		});
	}

	@Test
	void discardedTransactionSendsNothing() {
		this.contextRunner.run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			session(template, (operations) -> {
				operations.multi();
				operations.opsForValue().set("tx:discarded", "1");
				operations.discard();
				return null;
			});
			assertThat(template.opsForValue().get("tx:discarded")).isNull();
			assertThat(transaction(template, (operations) -> operations.opsForValue().set("tx:discarded", "2")))
				.containsExactly(true);
			assertThat(template.opsForValue().get("tx:discarded")).isEqualTo("2");
		});
	}

	@Test
	void userWhoMayNotRunMultiGetsRedisReasonAndNothingOfTheTransactionRuns() {
		redis.command("ACL", "SETUSER", "nomulti", "on", ">secret", "~*", "+@all", "-multi");
		this.contextRunner
			.withPropertyValues("redis.master.url=redis://nomulti:secret@" + redis.host() + ":" + redis.port())
			.run((context) -> {
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				assertThatExceptionOfType(DataAccessException.class)
					.isThrownBy(() -> transaction(template, (operations) -> operations.opsForValue().set("tx:acl", "1")))
					.withMessageContaining("NOPERM")
					.withMessageContaining("multi");
				assertThat(template.opsForValue().get("tx:acl")).isNull();
			});
	}

	@Test
	void transactionsGoOnAfterRedisDropsTheirConnection() {
		this.contextRunner.run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			assertThat(transaction(template, (operations) -> operations.opsForValue().set("tx:dropped", "1")))
				.containsExactly(true);
			redis.command("CLIENT", "KILL", "USER", "default", "SKIPME", "yes");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
					transaction(template, (operations) -> operations.opsForValue().set("tx:dropped", "2")))
				.containsExactly(true));
			assertThat(template.opsForValue().get("tx:dropped")).isEqualTo("2");
		});
	}

	@FunctionalInterface
	private interface Session<T> {

		T run(RedisOperations<String, String> operations);

	}

	@FunctionalInterface
	private interface Block {

		void queue(RedisOperations<String, String> operations);

	}

	/**
	 * Run the given code with one connection bound to the template, as a {@link SessionCallback} does.
	 */
	private static <T> T session(StringRedisTemplate template, Session<T> session) {
		return template.execute(new SessionCallback<T>() {

			@Override
			@SuppressWarnings("unchecked")
			public T execute(RedisOperations operations) throws DataAccessException {
				return session.run((RedisOperations<String, String>) operations);
			}

		});
	}

	private static List<Object> transaction(StringRedisTemplate template, Block block) {
		return session(template, (operations) -> {
			operations.multi();
			block.queue(operations);
			return operations.exec();
		});
	}

	private long connections() {
		return redis.clientsNamed(this.application + "-master");
	}

}
