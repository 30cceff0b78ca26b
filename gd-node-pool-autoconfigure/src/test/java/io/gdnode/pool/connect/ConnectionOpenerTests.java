package io.gdnode.pool.connect;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.gdnode.pool.Endpoint;
import io.gdnode.pool.PoolNode;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ConnectionOpener}: what a pool's connect does with Lettuce's failures, against
 * a real Redis that refuses the password.
 */
class ConnectionOpenerTests {

	@RegisterExtension
	final LocalRedisExtension redis = LocalRedisExtension.standalone()
		.whenStarted((server) -> server.command("ACL", "SETUSER", "app", "on", ">right-secret", "~*", "+@all"));

	private RedisClient client;

	@BeforeEach
	void createClient() {
		this.client = RedisClient.create();
	}

	@AfterEach
	void shutDownClient() {
		this.client.shutdown(0, 2, TimeUnit.SECONDS);
	}

	@Test
	void connectThatLostRedisAnswerIsTriedOnceMoreForTheReason() {
		// The first attempt fails as Lettuce reports a handshake Redis refused before its listener ran.
		LosingTopology topology = new LosingTopology(new RedisConnectionException("Unable to connect to " + address(),
				new IllegalStateException("RedisHandshakeHandler not registered")));
		ConnectionOpener opener = opener(topology);
		assertThatExceptionOfType(RedisConnectionException.class).isThrownBy(() -> opener.open(StringCodec.UTF8, wrongPassword()))
			.withMessageContaining("Redis pool 'test'")
			.withMessageContaining("WRONGPASS");
		assertThat(topology.attempts).hasValue(2);
	}

	@Test
	void connectThatFailedForAnyOtherReasonIsNotTriedAgain() {
		LosingTopology topology = new LosingTopology(new RedisConnectionException("Unable to connect to " + address(),
				new IllegalStateException("something else")));
		ConnectionOpener opener = opener(topology);
		assertThatExceptionOfType(RedisConnectionException.class).isThrownBy(() -> opener.open(StringCodec.UTF8, wrongPassword()))
			.withMessageContaining("something else");
		assertThat(topology.attempts).hasValue(1);
	}

	private ConnectionOpener opener(Topology topology) {
		return new ConnectionOpener("test", new Endpoint(address() + "/0", "redis://" + address() + "/0"),
				Duration.ofSeconds(5),
				Delay.constant(Duration.ofMillis(10)), topology);
	}

	private String address() {
		return this.redis.host() + ":" + this.redis.port();
	}

	private RedisURI wrongPassword() {
		return RedisURI.create("redis://app:wrong-secret@" + address());
	}

	/**
	 * Fails its first connect with the given failure, then connects for real.
	 */
	private final class LosingTopology implements Topology {

		private final RuntimeException firstFailure;

		private final AtomicInteger attempts = new AtomicInteger();

		LosingTopology(RuntimeException firstFailure) {
			this.firstFailure = firstFailure;
		}

		@Override
		public <K, V> CompletableFuture<StatefulConnection<K, V>> connect(RedisCodec<K, V> codec, RedisURI uri, boolean probe) {
			if (this.attempts.incrementAndGet() == 1) {
				return CompletableFuture.failedFuture(this.firstFailure);
			}
			return ConnectionOpenerTests.this.client.connectAsync(codec, uri).toCompletableFuture()
				.thenApply((connection) -> connection);
		}

		@Override
		public <K, V> CompletableFuture<StatefulRedisPubSubConnection<K, V>> connectPubSub(RedisCodec<K, V> codec,
				RedisURI uri) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<String> ping(StatefulConnection<?, ?> connection) {
			throw new UnsupportedOperationException();
		}

		@Override
		public List<PoolNode> nodes() {
			return List.of();
		}

		@Override
		public void shutdown(Duration timeout) {
		}

	}

}
