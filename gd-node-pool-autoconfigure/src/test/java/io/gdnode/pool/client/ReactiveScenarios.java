package io.gdnode.pool.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.gdnode.pool.registry.BlockingPool;
import io.gdnode.pool.registry.BlockingPools;
import io.gdnode.pool.registry.SharedPoolRegistry;

import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Reactive scenarios that the parity tests run on one Redis and on a cluster alike, on Spring
 * Boot's default factory and on a role factory.
 */
final class ReactiveScenarios {

	private ReactiveScenarios() {
	}

	static ReactiveStringRedisTemplate template(ApplicationContext context) {
		return new ReactiveStringRedisTemplate(context.getBean(ReactiveRedisConnectionFactory.class));
	}

	/**
	 * Return the master pool, opened by a first command.
	 */
	static BlockingPool openPool(SharedPoolRegistry registry, ReactiveStringRedisTemplate template, Duration timeout) {
		template.hasKey("open").block(timeout);
		return BlockingPools.open(registry, "master");
	}

	/**
	 * A command on a key of the wrong type fails with Redis's reason, and the connection that
	 * carried the error still serves the next command.
	 */
	static void wrongTypeFailsWithRedisReason(ReactiveStringRedisTemplate template, Duration timeout) {
		template.opsForList().leftPush("list", "item").block(timeout);
		assertThatExceptionOfType(RedisSystemException.class)
			.isThrownBy(() -> template.opsForValue().get("list").block(timeout))
			.havingCause()
			.withMessageStartingWith("WRONGTYPE");
		assertThat(template.opsForList().range("list", 0, -1).collectList().block(timeout)).containsExactly("item");
	}

	/**
	 * A blocking pop waits its timeout and answers nothing, then gets an item pushed while it waits.
	 * @param blockedClients counts the clients Redis holds blocked
	 * @param queueLength asks the Redis that holds the queue for its length
	 */
	static void blockingPopWaitsItsTimeoutThenGetsAPushedItem(ReactiveStringRedisTemplate template, Duration timeout,
			LongSupplier blockedClients, Supplier<String> queueLength) {
		assertThat(template.opsForList().leftPop("queue", Duration.ofSeconds(1)).block(timeout)).isNull();
		CompletableFuture<String> pop = template.opsForList().leftPop("queue", Duration.ofSeconds(5)).toFuture();
		await().atMost(timeout).until(() -> blockedClients.getAsLong() == 1);
		template.opsForList().rightPush("queue", "job").block(timeout);
		assertThat(pop).succeedsWithin(timeout).isEqualTo("job");
		assertThat(queueLength.get()).isEqualTo("0");
	}

}
