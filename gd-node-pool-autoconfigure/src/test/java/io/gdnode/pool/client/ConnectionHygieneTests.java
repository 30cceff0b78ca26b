package io.gdnode.pool.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnection.PipeliningFlushPolicy;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Connection hygiene, side by side: each scenario runs once on Spring Data Redis's default
 * factory (one shared connection, dedicated connections closed after use) and once on the role
 * factory (pooled dedicated connections, a shared transaction lane), against the same Redis, and
 * asserts the same results, exceptions and data. The role factory's master pool holds a single
 * dedicated connection, so every caller gets the connection the previous caller used.
 */
class ConnectionHygieneTests {

	/** Short, so that a blocking pop outlives it. */
	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

	/** Spring Boot's default command timeout, for the scenarios about size rather than time. */
	private static final Duration BOOT_DEFAULT_TIMEOUT = Duration.ofSeconds(60);

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private static RedisClient plainClient;

	@BeforeAll
	static void createClient() {
		plainClient = RedisClient.create();
	}

	@AfterAll
	static void shutDownClient() {
		plainClient.shutdown();
	}

	@BeforeEach
	void emptyRedis() {
		redis.command("FLUSHALL");
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void watchLeftBehindDoesNotAbortTheNextTransaction(Factory factory) {
		factory.run((template) -> {
			template.execute(session((operations) -> {
				// As DefaultRedisMap.replace does when the key is absent: WATCH, then nothing.
				operations.watch("watched");
				return null;
			}));
			template.opsForValue().set("watched", "changed by someone else");
			List<Object> result = template.execute(session((operations) -> {
				operations.watch("mine");
				operations.multi();
				operations.opsForValue().set("written", "v");
				return operations.exec();
			}));
			assertThat(result).containsExactly(true);
			assertThat(value(0, "written")).isEqualTo("v");
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void transactionLeftOpenByAFailingCallbackDoesNotReachTheNextCaller(Factory factory) {
		factory.run((template) -> {
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> template.execute(session((operations) -> {
				operations.watch("a");
				operations.multi();
				operations.opsForValue().set("never", "applied");
				throw new IllegalStateException("callback failed before EXEC");
			})));
			List<Object> transaction = template.execute(session((operations) -> {
				operations.watch("b");
				operations.multi();
				operations.opsForValue().set("tx", "v");
				return operations.exec();
			}));
			List<Object> pipeline = template.executePipelined(session((operations) -> {
				operations.opsForValue().set("piped", "v");
				operations.opsForValue().get("piped");
				return null;
			}));
			template.opsForList().leftPush("queue", "job");
			String popped = template.opsForList().leftPop("queue", Duration.ofMillis(500));
			assertThat(transaction).containsExactly(true);
			assertThat(pipeline).containsExactly(true, "v");
			assertThat(popped).isEqualTo("job");
			assertThat(value(0, "never")).isNull();
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void itemPushedWhileABlockingPopWaitsIsDeliveredExactlyOnce(Factory factory) {
		factory.run((template) -> {
			CompletableFuture<String> pop = CompletableFuture.supplyAsync(
					() -> template.opsForList().leftPop("jobs", Duration.ofSeconds(3)));
			sleep(1500);
			template.opsForList().rightPush("jobs", "item");
			String popped;
			try {
				popped = pop.get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// Spring Data Redis's default factory stops waiting at the command timeout.
				popped = null;
			}
			List<String> left = template.opsForList().range("jobs", 0, -1);
			List<String> everywhere = new ArrayList<>(left);
			if (popped != null) {
				everywhere.add(popped);
			}
			assertThat(everywhere).containsExactly("item");
		});
	}

	@Test
	void blockingPopWaitsItsOwnBlockTimeBeyondTheCommandTimeout() {
		Factory.ROLE.run((template) -> {
			long start = System.nanoTime();
			assertThat(template.opsForList().leftPop("empty", Duration.ofSeconds(2))).isNull();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void databaseSelectedInAPipelineStaysInThatPipeline(Factory factory) {
		factory.run((template) -> {
			template.executePipelined((RedisCallback<Object>) (connection) -> {
				connection.execute("SELECT", "1".getBytes());
				connection.stringCommands().set("in-one".getBytes(), "a".getBytes());
				return null;
			});
			template.executePipelined(session((operations) -> {
				operations.opsForValue().set("piped", "b");
				return null;
			}));
			template.execute(session((operations) -> {
				operations.watch("w");
				operations.multi();
				operations.opsForValue().set("watched-tx", "c");
				return operations.exec();
			}));
			assertThat(value(1, "in-one")).isEqualTo("a");
			assertThat(value(0, "piped")).isEqualTo("b");
			assertThat(value(0, "watched-tx")).isEqualTo("c");
			assertThat(value(1, "piped")).isNull();
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void databaseSelectedInATransactionStaysInThatTransaction(Factory factory) {
		factory.run((template) -> {
			List<Object> first = template.execute(session((operations) -> {
				operations.multi();
				operations.execute((RedisCallback<Object>) (connection) -> connection.execute("SELECT", "1".getBytes()));
				operations.opsForValue().set("in-one", "a");
				return operations.exec();
			}));
			List<Object> next = template.execute(session((operations) -> {
				operations.multi();
				operations.opsForValue().set("in-zero", "b");
				return operations.exec();
			}));
			assertThat(first).hasSize(2).endsWith(true);
			assertThat(next).containsExactly(true);
			assertThat(value(1, "in-one")).isEqualTo("a");
			assertThat(value(0, "in-zero")).isEqualTo("b");
			assertThat(value(1, "in-zero")).isNull();
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void concurrentLargeTransactionsAllCommitExactlyOnce(Factory factory) {
		factory.run(BOOT_DEFAULT_TIMEOUT, (template) -> {
			int threads = 32;
			int transactions = 20;
			int increments = 500;
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			List<Throwable> failures = new CopyOnWriteArrayList<>();
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					int thread = t;
					done.add(executor.submit(() -> {
						for (int i = 0; i < transactions; i++) {
							try {
								List<Object> result = template.execute(session((operations) -> {
									operations.multi();
									for (int n = 0; n < increments; n++) {
										operations.opsForValue().increment("counter");
									}
									operations.opsForValue().set("thread:" + thread, String.valueOf(thread));
									operations.opsForValue().increment("transactions");
									return operations.exec();
								}));
								assertThat(result).hasSize(increments + 2);
							}
							catch (Throwable ex) {
								failures.add(ex);
							}
						}
					}));
				}
				for (Future<?> future : done) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				executor.shutdownNow();
			}
			assertThat(failures).isEmpty();
			assertThat(value(0, "transactions")).isEqualTo(String.valueOf(threads * transactions));
			assertThat(value(0, "counter")).isEqualTo(String.valueOf(threads * transactions * increments));
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void transactionOfThirtyThousandCommandsRunsWhole(Factory factory) {
		factory.run(BOOT_DEFAULT_TIMEOUT, (template) -> {
			List<Object> result = template.execute(session((operations) -> {
				operations.multi();
				for (int n = 0; n < 30_000; n++) {
					operations.opsForValue().increment("big");
				}
				return operations.exec();
			}));
			assertThat(result).hasSize(30_000);
			assertThat(value(0, "big")).isEqualTo("30000");
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void pipelineOfTwentyThousandCommandsRunsWhole(Factory factory) {
		factory.run(BOOT_DEFAULT_TIMEOUT, (template) -> {
			List<Object> results = template.executePipelined(session((operations) -> {
				for (int n = 0; n < 20_000; n++) {
					operations.opsForValue().set("key:" + n, "v");
				}
				return null;
			}));
			assertThat(results).hasSize(20_000).containsOnly(true);
			assertThat(redis.command("DBSIZE")).isEqualTo("20000");
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void tenMegabyteValueIsWrittenAndReadWhole(Factory factory) {
		factory.run(BOOT_DEFAULT_TIMEOUT, (template) -> {
			String value = "x".repeat(10 * 1024 * 1024);
			template.opsForValue().set("large", value);
			assertThat(template.opsForValue().get("large")).isEqualTo(value);
			assertThat(redis.command("STRLEN", "large")).isEqualTo(String.valueOf(value.length()));
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void destroyedListenerContainerLeavesNoSubscriberBehind(Factory factory) {
		Notifications listener = new Notifications();
		factory.run((template) -> {
			RedisMessageListenerContainer container = new RedisMessageListenerContainer();
			container.setConnectionFactory(template.getRequiredConnectionFactory());
			container.afterPropertiesSet();
			container.start();
			container.addMessageListener(listener, new ChannelTopic("news"));
			await().atMost(Duration.ofSeconds(5)).until(() -> listener.events.contains("subscribed:news"));
			template.convertAndSend("news", "hello");
			await().atMost(Duration.ofSeconds(5)).until(() -> listener.events.contains("message:hello"));
			destroy(container);
			await().atMost(Duration.ofSeconds(5)).until(() -> redis.command("PUBSUB", "NUMSUB", "news").equals("news\n0"));
			template.convertAndSend("news", "after");
			sleep(200);
			assertThat(listener.events).startsWith("subscribed:news", "message:hello").doesNotContain("message:after");
		});
	}

	@ParameterizedTest
	@EnumSource(Factory.class)
	void pipeliningFlushPolicySetOnTheFactoryIsHonoured(Factory factory) {
		factory.run((template) -> {
			((LettuceConnectionFactory) template.getRequiredConnectionFactory())
				.setPipeliningFlushPolicy(PipeliningFlushPolicy.flushOnClose());
			List<String> seenInsidePipeline = new ArrayList<>();
			template.executePipelined(session((operations) -> {
				operations.opsForValue().set("buffered", "v");
				sleep(200);
				seenInsidePipeline.add(String.valueOf(value(0, "buffered")));
				return null;
			}));
			assertThat(seenInsidePipeline).containsExactly("null");
			assertThat(value(0, "buffered")).isEqualTo("v");
		});
	}

	@Test
	void sessionCommandOnTheSharedConnectionIsRefusedAndNothingRuns() {
		Factory.ROLE.run((template) -> {
			assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
				.isThrownBy(() -> template.execute((RedisCallback<Object>) (connection) -> connection.execute("SELECT",
						"1".getBytes())))
				.withMessageContaining("SELECT")
				.withMessageContaining("shares");
			assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
				.isThrownBy(() -> template.execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT",
						"SETNAME".getBytes(), "mine".getBytes())));
			template.opsForValue().set("after", "v");
			assertThat(value(0, "after")).isEqualTo("v");
			assertThat(redis.command("CLIENT", "LIST")).doesNotContain("name=mine");
		});
	}

	@Test
	void sessionCommandIsRefusedOnTheSharedConnectionOfAReplicaPoolToo() {
		try (LocalRedisServer replica = LocalRedisServer.startReplicaOf(redis.server());
				LocalRedisServer another = LocalRedisServer.startReplicaOf(redis.server())) {
			new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
				.withPropertyValues("redis.master.url=" + redis.url(), "redis.slave.url=" + replica.url() + ","
						+ another.url(), "redis.shared=0")
				.run((context) -> {
					StringRedisTemplate reads = context.getBean("slaveStringRedisTemplate", StringRedisTemplate.class);
					assertThatExceptionOfType(InvalidDataAccessApiUsageException.class)
						.isThrownBy(() -> reads.execute((RedisCallback<Object>) (connection) -> connection
							.execute("select", "1".getBytes())))
						.withMessageContaining("SELECT");
				});
		}
	}

	@Test
	void plainBorrowerPaysNoResetAndADirtyOnePaysOneRoundTrip() {
		Factory.ROLE.run((template) -> {
			redis.command("CONFIG", "RESETSTAT");
			for (int i = 0; i < 20; i++) {
				template.opsForList().leftPush("q", "x");
				template.opsForList().leftPop("q", Duration.ofMillis(100));
				template.executePipelined(session((operations) -> operations.opsForValue().get("k")));
			}
			assertThat(commandCalls("unwatch") + commandCalls("discard") + commandCalls("select") + commandCalls("reset"))
				.isZero();
			template.execute(session((operations) -> {
				operations.watch("k");
				return null;
			}));
			// The reset is sent as the connection is given back, without the caller waiting for it.
			await().atMost(Duration.ofSeconds(5)).until(() -> commandCalls("unwatch") == 1);
			assertThat(commandCalls("discard") + commandCalls("select") + commandCalls("reset")).isZero();
		});
	}

	@Test
	void asyncPoolConnectionLeftInAnotherDatabaseIsNotLentAgain() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("redis.master.url=" + redis.url(), "redis.async.pool.min=0", "redis.async.pool.max=1",
					"redis.shared=0")
			.run((context) -> {
				AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
				pool.executeExclusive((commands) -> commands.select(1).thenCompose((ok) -> commands.set("moved", "a")))
					.get(5, TimeUnit.SECONDS);
				pool.execute((commands) -> commands.set("stayed", "b")).get(5, TimeUnit.SECONDS);
				assertThat(value(1, "moved")).isEqualTo("a");
				assertThat(value(0, "stayed")).isEqualTo("b");
			});
	}

	private static void destroy(RedisMessageListenerContainer container) {
		try {
			container.destroy();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long commandCalls(String command) {
		for (String line : redis.command("INFO", "commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_" + command + ":")) {
				return Long.parseLong(line.replaceAll("^cmdstat_[^:]+:calls=(\\d+),.*$", "$1"));
			}
		}
		return 0;
	}

	private static String value(int database, String key) {
		try (StatefulRedisConnection<String, String> connection = plainClient.connect(
				io.lettuce.core.RedisURI.create(redis.url(database)))) {
			return connection.sync().get(key);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> SessionCallback<T> session(java.util.function.Function<RedisOperations<String, String>, T> body) {
		return new SessionCallback<>() {

			@Override
			public <K, V> T execute(RedisOperations<K, V> operations) throws DataAccessException {
				return body.apply((RedisOperations<String, String>) operations);
			}

		};
	}

	/**
	 * The two factories every scenario runs on.
	 */
	enum Factory {

		/** Spring Data Redis's default: one shared connection, dedicated connections closed after use. */
		BOOT_DEFAULT {

			@Override
			void run(Duration commandTimeout, Consumer<StringRedisTemplate> scenario) {
				LettuceConnectionFactory factory = new LettuceConnectionFactory(
						new RedisStandaloneConfiguration(redis.host(), redis.port()),
						LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
				factory.afterPropertiesSet();
				factory.start();
				try {
					scenario.accept(new StringRedisTemplate(factory));
				}
				finally {
					factory.destroy();
				}
			}

		},

		/** The starter's master role, with one pooled dedicated connection. */
		ROLE {

			@Override
			void run(Duration commandTimeout, Consumer<StringRedisTemplate> scenario) {
				new ApplicationContextRunner()
					.withConfiguration(
							AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
					.withPropertyValues("redis.master.url=" + redis.url(), "redis.master.pool.size=1",
							"redis.timeout.command=" + commandTimeout.toMillis() + "ms", "redis.shared=0")
					.run((context) -> scenario.accept(context.getBean("masterStringRedisTemplate", StringRedisTemplate.class)));
			}

		};

		void run(Consumer<StringRedisTemplate> scenario) {
			run(COMMAND_TIMEOUT, scenario);
		}

		abstract void run(Duration commandTimeout, Consumer<StringRedisTemplate> scenario);

	}

	/**
	 * Records what a subscription reports.
	 */
	static final class Notifications implements MessageListener, SubscriptionListener {

		final List<String> events = new CopyOnWriteArrayList<>();

		@Override
		public void onMessage(Message message, byte[] pattern) {
			this.events.add("message:" + new String(message.getBody()));
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			this.events.add("subscribed:" + new String(channel));
		}

		@Override
		public void onChannelUnsubscribed(byte[] channel, long count) {
			this.events.add("unsubscribed:" + new String(channel));
		}

	}

}
