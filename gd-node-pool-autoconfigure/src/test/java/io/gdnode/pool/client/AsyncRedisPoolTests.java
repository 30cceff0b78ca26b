package io.gdnode.pool.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.gdnode.pool.PoolExhaustedException;
import io.gdnode.pool.SharedConnectionStateException;
import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.connect.PoolConnectException;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link AsyncRedisPool} against a real redis-server: calls share the pool's connections,
 * what cannot share runs on a connection of its own, and failures name the pool, its endpoint and
 * the setting to change when Redis is paused, busy or gone.
 */
class AsyncRedisPoolTests {

	@RegisterExtension
	static final LocalRedisExtension servers = LocalRedisExtension.standalone();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class))
		.withPropertyValues("redis.url=" + servers.url(), "redis.client.name=async-errors");

	@AfterEach
	void resumeRedis() {
		servers.server().resume();
	}

	@Test
	void commandTimeoutNamesPoolEndpointAndTheCommandTimeoutSetting() {
		this.contextRunner.withPropertyValues("redis.timeout.command=500ms").run((context) -> {
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			assertThat(pool.execute((commands) -> commands.set("k", "v")).get(5, TimeUnit.SECONDS)).isEqualTo("OK");
			servers.server().pause();
			RedisCommandTimeoutException failure = failure(pool.execute((commands) -> commands.get("k")),
					RedisCommandTimeoutException.class);
			assertNamesPoolAndEndpoint(failure, context);
			assertThat(failure).hasMessageEndingWith("; raise REDIS_TIMEOUT_COMMAND (redis.timeout.command)");
			servers.server().resume();
			assertThat(pool.execute((commands) -> commands.get("k")).get(5, TimeUnit.SECONDS)).isEqualTo("v");
		});
	}

	@Test
	void fullPoolNamesPoolEndpointAndTheSizeAndWaitSettings() {
		this.contextRunner.withPropertyValues("redis.async.pool.min=0", "redis.async.pool.max=1", "redis.timeout.wait=200ms")
			.run((context) -> {
				AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
				CompletableFuture<String> holding = new CompletableFuture<>();
				CompletableFuture<String> held = pool.executeExclusive((commands) -> holding);
				for (CompletableFuture<String> call : List.of(pool.executeExclusive((commands) -> commands.ping()),
						pool.execute((commands) -> commands.ping()))) {
					PoolExhaustedException failure = failure(call, PoolExhaustedException.class);
					assertNamesPoolAndEndpoint(failure, context);
					assertThat(failure).hasMessageEndingWith(
							"; raise REDIS_ASYNC_POOL_MAX (redis.async.pool.max) or REDIS_TIMEOUT_WAIT (redis.timeout.wait)");
				}
				holding.complete("done");
				assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("done");
				assertThat(pool.execute((commands) -> commands.ping()).get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
			});
	}

	@Test
	void callsInFlightShareFarFewerConnectionsThanTheMaximum() {
		this.contextRunner.withPropertyValues("redis.client.name=async-lanes", "redis.async.pool.min=2",
				"redis.async.pool.max=20")
			.run((context) -> {
				AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
				for (int round = 0; round < 20; round++) {
					List<CompletableFuture<String>> calls = new ArrayList<>();
					for (int i = 0; i < 64; i++) {
						String key = "lane:" + i;
						String value = round + ":" + i;
						calls.add((i % 2 == 0) ? pool.execute((commands) -> commands.set(key, value))
								: pool.execute((commands) -> commands.set(key, value)
									.thenCompose((ok) -> commands.get(key))));
					}
					for (int i = 0; i < 64; i++) {
						assertThat(calls.get(i).get(10, TimeUnit.SECONDS)).isEqualTo((i % 2 == 0) ? "OK" : round + ":" + i);
					}
				}
				long connections = servers.clientsNamed("async-lanes-async");
				// Two lanes, filled to 32 calls each before one more opens: 64 calls fit on 2, and a call
				// made while every lane is full opens a third.
				assertThat(connections).isBetween(2L, 3L);
				assertThat(pool.getPool().getStats().connections()).isEqualTo((int) connections);
				assertThat(pool.getPool().getStats().active()).isZero();
				assertThat(pool.getPool().getStats().idle()).isEqualTo((int) connections);
			});
	}

	@Test
	void callsFillOneLaneBeforeTheNext() {
		this.contextRunner.withPropertyValues("redis.client.name=async-fill", "redis.async.pool.min=1",
				"redis.async.pool.max=20")
			.run((context) -> {
				AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
				List<CompletableFuture<String>> calls = new ArrayList<>();
				// 32 calls in flight at most, all made before any reply can free a slot: one lane holds them.
				for (int round = 0; round < 20; round++) {
					calls.clear();
					for (int i = 0; i < 32; i++) {
						String key = "fill:" + i;
						calls.add(pool.execute((commands) -> commands.set(key, "v")));
					}
					for (CompletableFuture<String> call : calls) {
						assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("OK");
					}
				}
				assertThat(servers.clientsNamed("async-fill-async")).isEqualTo(1);
				// With Redis frozen, 33 calls stay in flight: the 33rd finds the lane full and opens the next.
				calls.clear();
				servers.server().pause();
				try {
					for (int i = 0; i < 33; i++) {
						String key = "fill:" + i;
						calls.add(pool.execute((commands) -> commands.set(key, "w")));
					}
				}
				finally {
					servers.server().resume();
				}
				for (CompletableFuture<String> call : calls) {
					assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("OK");
				}
				await().atMost(Duration.ofSeconds(5)).until(() -> servers.clientsNamed("async-fill-async") == 2);
				assertThat(pool.getPool().getStats().connections()).isEqualTo(2);
			});
	}

	@Test
	void transactionAndBlockingPopRunExclusivelyWhileSharedCallsRun() {
		this.contextRunner.withPropertyValues("redis.async.pool.min=1", "redis.async.pool.max=4").run((context) -> {
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			servers.command("DEL", "shared:counter", "tx:counter", "tx:queue");
			CompletableFuture<KeyValue<String, String>> popped = pool
				.executeExclusive((commands) -> commands.blpop(10, "tx:queue"));
			List<CompletableFuture<?>> shared = new ArrayList<>();
			List<CompletableFuture<TransactionResult>> transactions = new ArrayList<>();
			for (int i = 0; i < 400; i++) {
				shared.add(pool.execute((commands) -> commands.incr("shared:counter")));
				if (i % 40 == 0) {
					transactions.add(pool.executeExclusive((commands) -> {
						commands.multi();
						commands.incr("tx:counter");
						commands.get("shared:counter");
						return commands.exec();
					}));
				}
			}
			CompletableFuture.allOf(shared.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
			// The shared calls never waited behind the blocking pop.
			assertThat(popped).isNotDone();
			for (CompletableFuture<TransactionResult> transaction : transactions) {
				TransactionResult result = transaction.get(10, TimeUnit.SECONDS);
				assertThat(result.wasDiscarded()).isFalse();
				// Only the block's own two commands ran inside it.
				assertThat(result).hasSize(2);
			}
			assertThat(servers.command("GET", "shared:counter")).isEqualTo("400");
			assertThat(servers.command("GET", "tx:counter")).isEqualTo(String.valueOf(transactions.size()));
			assertThat(pool.execute((commands) -> commands.rpush("tx:queue", "item")).get(5, TimeUnit.SECONDS))
				.isEqualTo(1L);
			assertThat(popped.get(10, TimeUnit.SECONDS).getValue()).isEqualTo("item");
			assertThat(servers.command("LLEN", "tx:queue")).isEqualTo("0");
			assertThat(pool.getPool().getStats().connections()).isLessThanOrEqualTo(4);
		});
	}

	@Test
	void exclusiveCallOfAFullPoolGetsALaneOnceItsSharedCallsAreDone() {
		this.contextRunner.withPropertyValues("redis.client.name=async-drain", "redis.async.pool.min=1",
				"redis.async.pool.max=1", "redis.timeout.wait=5s")
			.run((context) -> {
				AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
				servers.command("DEL", "drain:counter");
				assertThat(pool.execute((commands) -> commands.ping()).get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
				CompletableFuture<String> holding = new CompletableFuture<>();
				CompletableFuture<String> shared = pool
					.execute((commands) -> commands.incr("drain:counter").thenCompose((count) -> holding));
				CompletableFuture<TransactionResult> transaction = pool.executeExclusive((commands) -> {
					commands.multi();
					commands.incr("drain:counter");
					return commands.exec();
				});
				// The only lane takes no new shared call while the exclusive one waits for it.
				CompletableFuture<Long> later = pool.execute((commands) -> commands.incr("drain:counter"));
				await().atMost(Duration.ofSeconds(5)).until(() -> pool.getPool().getStats().waiting() == 2);
				assertThat(transaction).isNotDone();
				assertThat(later).isNotDone();
				holding.complete("done");
				assertThat(transaction.get(5, TimeUnit.SECONDS)).containsExactly(2L);
				assertThat(later.get(5, TimeUnit.SECONDS)).isEqualTo(3L);
				assertThat(shared.get(5, TimeUnit.SECONDS)).isEqualTo("done");
				assertThat(servers.clientsNamed("async-drain-async")).isEqualTo(1);
				assertThat(pool.getPool().getStats().waiting()).isZero();
			});
	}

	@Test
	void sharedCallsWokenWhileNoLaneIsFreeQueueAgainWithoutHoldingTheWakingThread() {
		this.contextRunner.withPropertyValues("redis.async.pool.min=0", "redis.async.pool.max=2").run((context) -> {
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			CompletableFuture<String> holdingFirst = new CompletableFuture<>();
			CompletableFuture<String> holdingSecond = new CompletableFuture<>();
			CompletableFuture<String> holdingThird = new CompletableFuture<>();
			CompletableFuture<Boolean> firstHolds = new CompletableFuture<>();
			CompletableFuture<Boolean> secondHolds = new CompletableFuture<>();
			CompletableFuture<Boolean> thirdHolds = new CompletableFuture<>();
			CompletableFuture<String> first = pool.executeExclusive((commands) -> {
				firstHolds.complete(true);
				return holdingFirst;
			});
			assertThat(firstHolds.get(5, TimeUnit.SECONDS)).isTrue();
			// Another database: this connection is closed when given back, not shared.
			CompletableFuture<String> second = pool.executeExclusive((commands) -> commands.select(1)
				.thenCompose((ok) -> {
					secondHolds.complete(true);
					return holdingSecond;
				}));
			assertThat(secondHolds.get(5, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<String> third = pool.executeExclusive((commands) -> {
				thirdHolds.complete(true);
				return holdingThird;
			});
			List<CompletableFuture<String>> shared = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				shared.add(pool.execute((commands) -> commands.ping()));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> pool.getPool().getStats().waiting() == 5);
			// Closing the second connection opens one for the exclusive waiter and wakes the shared
			// ones, which find no lane and queue again: woken again in the same pass, they would keep
			// the thread giving the connection back (an event loop, when a reply completes the call)
			// busy until a lane frees up.
			CompletableFuture.runAsync(() -> holdingSecond.complete("done")).get(5, TimeUnit.SECONDS);
			assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(thirdHolds.get(5, TimeUnit.SECONDS)).isTrue();
			assertThat(shared).noneMatch(CompletableFuture::isDone);
			holdingThird.complete("done");
			assertThat(third.get(5, TimeUnit.SECONDS)).isEqualTo("done");
			for (CompletableFuture<String> call : shared) {
				assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
			}
			holdingFirst.complete("done");
			assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(pool.getPool().getStats().waiting()).isZero();
		});
	}

	@Test
	void exclusiveCallQueuedWhileTheFirstLaneOpensIsServed() {
		this.contextRunner.withPropertyValues("redis.async.pool.min=1", "redis.async.pool.max=1", "redis.timeout.wait=2s")
			.run((context) -> {
				AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
				CompletableFuture<String> shared = pool.execute((commands) -> commands.ping());
				CompletableFuture<String> exclusive = pool.executeExclusive((commands) -> commands.echo("alone"));
				assertThat(shared.get(10, TimeUnit.SECONDS)).isEqualTo("PONG");
				assertThat(exclusive.get(10, TimeUnit.SECONDS)).isEqualTo("alone");
			});
	}

	@Test
	void commandThatCannotShareFailsInSharedExecuteNamingExecuteExclusiveAndWritesNothing() {
		this.contextRunner.run((context) -> {
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			servers.command("DEL", "refused:tx", "refused:list");
			servers.command("CONFIG", "RESETSTAT");
			List<CompletableFuture<?>> refused = List.of(pool.execute((commands) -> {
				commands.multi();
				commands.set("refused:tx", "x");
				return commands.exec();
			}), pool.execute((commands) -> commands.blpop(1, "refused:list")),
					pool.execute((commands) -> commands.select(1).thenCompose((ok) -> commands.set("refused:tx", "y"))),
					pool.execute((commands) -> commands.xread(XReadArgs.Builder.block(100),
							XReadArgs.StreamOffset.latest("refused:stream"))),
					pool.execute((commands) -> commands.dispatch(CommandType.BRPOP, new StatusOutput<>(StringCodec.UTF8),
							new CommandArgs<>(StringCodec.UTF8).addKey("refused:list").add(1))),
					pool.execute((commands) -> commands.clientSetname("renamed")));
			for (CompletableFuture<?> call : refused) {
				SharedConnectionStateException failure = failure(call, SharedConnectionStateException.class);
				assertThat(failure).hasMessageContaining("async pool 'async'")
					.hasMessageContaining("executeExclusive(...)");
			}
			assertThat(servers.command("EXISTS", "refused:tx")).isEqualTo("0");
			assertThat(pool.execute((commands) -> commands.set("after", "fine")).get(5, TimeUnit.SECONDS)).isEqualTo("OK");
			assertThat(servers.command("INFO", "commandstats")).doesNotContain("cmdstat_multi", "cmdstat_blpop",
					"cmdstat_select", "cmdstat_brpop", "cmdstat_xread");
		});
	}

	@Test
	void transactionStartedAnotherWayIsRefusedAndLeavesTheLaneServingTheOtherCalls() {
		this.contextRunner.withPropertyValues("redis.async.pool.min=1", "redis.async.pool.max=1").run((context) -> {
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			// Past the pool's commands, straight to the lane's connection: its writer refuses it.
			CompletableFuture<String> refused = pool.execute((commands) -> commands.getStatefulConnection().async().multi());
			failure(refused, SharedConnectionStateException.class);
			// Had Lettuce's connection been left in MULTI, this SET would wait for an EXEC for ever.
			assertThat(pool.execute((commands) -> commands.set("after-multi", "fine")).get(5, TimeUnit.SECONDS))
				.isEqualTo("OK");
			assertThat(servers.command("GET", "after-multi")).isEqualTo("fine");
		});
	}

	@Test
	void idlePoolClosesAfterUseAndNeverWhileACallIsInFlight() {
		this.contextRunner.withPropertyValues("redis.client.name=async-idle", "redis.async.pool.min=2").run((context) -> {
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			CompletableFuture<String> holding = new CompletableFuture<>();
			CompletableFuture<String> shared = pool
				.execute((commands) -> commands.set("idle", "v").thenCompose((ok) -> holding));
			CompletableFuture<String> exclusiveHolding = new CompletableFuture<>();
			CompletableFuture<String> exclusive = pool.executeExclusive((commands) -> exclusiveHolding);
			await().atMost(Duration.ofSeconds(5)).until(() -> pool.getPool().getStats().active() == 2);
			assertThat(pool.getPool().closeIfUnused()).isFalse();
			context.getBean(SharedPoolRegistry.class).runCleanup();
			assertThat(servers.clientsNamed("async-idle-async")).isEqualTo(pool.getPool().getStats().connections());
			assertThat(servers.clientsNamed("async-idle-async")).isGreaterThanOrEqualTo(2);
			holding.complete("done");
			assertThat(shared.get(5, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(pool.getPool().closeIfUnused()).isFalse();
			exclusiveHolding.complete("done");
			assertThat(exclusive.get(5, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(pool.getPool().getStats().active()).isZero();
			assertThat(pool.getPool().closeIfUnused()).isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> servers.clientsNamed("async-idle-async") == 0);
			assertThat(pool.execute((commands) -> commands.get("idle")).get(5, TimeUnit.SECONDS)).isEqualTo("v");
		});
	}


	@Test
	void concurrentFirstCallsOpenTheMinimumAndNoMore() {
		this.contextRunner.withPropertyValues("redis.client.name=async-first", "redis.async.pool.min=5").run((context) -> {
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			for (int opening = 0; opening < 30; opening++) {
				// Eight callers at once, as eight request threads: no lane ever carries 32 calls, so
				// nothing grows the pool beyond its minimum.
				List<CompletableFuture<String>> calls = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					calls.add(CompletableFuture.supplyAsync(() -> pool.execute((commands) -> commands.ping()))
						.thenCompose((call) -> call));
				}
				for (CompletableFuture<String> call : calls) {
					assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
				}
				await().atMost(Duration.ofSeconds(5)).until(() -> pool.getPool().getStats().connections() >= 5);
				assertThat(pool.getPool().getStats().connections()).as("lanes open, round " + opening).isEqualTo(5);
				assertThat(pool.getPool().closeIfUnused()).isTrue();
			}
		});
	}

	@Test
	void firstCallOfAPoolWhoseMinimumIsItsMaximumIsServed() {
		this.contextRunner.withPropertyValues("redis.async.pool.min=2", "redis.async.pool.max=2", "redis.timeout.wait=500ms")
			.run((context) -> {
				AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
				assertThat(pool.execute((commands) -> commands.ping()).get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
			});
	}

	@Test
	void refusedConnectionNamesPoolEndpointAndTheUrlSetting() {
		int closedPort = LocalRedisServer.freeLoopbackPort();
		this.contextRunner.withPropertyValues("redis.async.url=redis://127.0.0.1:" + closedPort).run((context) -> {
			AsyncRedisPool pool = context.getBean(AsyncRedisPool.class);
			PoolConnectException failure = failure(pool.execute((commands) -> commands.ping()),
					PoolConnectException.class);
			assertThat(failure).hasMessageContaining("Redis pool 'async'").hasMessageContaining(":" + closedPort);
			assertThat(failure).hasMessageEndingWith("; check REDIS_ASYNC_URL (redis.async.url)");
		});
	}

	private static <T extends Throwable> T failure(CompletableFuture<?> result, Class<T> type) {
		ExecutionException failure = catchThrowableOfType(ExecutionException.class,
				() -> result.get(Duration.ofSeconds(15).toMillis(), TimeUnit.MILLISECONDS));
		assertThat(failure).as("the call failed").isNotNull();
		assertThat(failure.getCause()).isInstanceOf(type);
		return type.cast(failure.getCause());
	}

	private static void assertNamesPoolAndEndpoint(Throwable failure, AssertableApplicationContext context) {
		assertThat(failure).hasMessageContaining("Redis pool 'async'")
			.hasMessageContaining(context.getBean(AsyncRedisPool.class).getPool().getEndpoint().address());
	}

}
