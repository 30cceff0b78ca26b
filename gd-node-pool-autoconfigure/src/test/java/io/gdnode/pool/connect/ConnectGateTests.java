package io.gdnode.pool.connect;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link ConnectGate}: how often a pool tries to connect after failures, with
 * connection attempts that are plain futures; no server runs.
 */
class ConnectGateTests {

	private final RecordingDelay backoff = new RecordingDelay();

	private final ConnectGate gate = new ConnectGate(this.backoff);

	private final AtomicInteger attempts = new AtomicInteger();

	@Test
	void connectsEveryTimeWhileNothingFails() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.gate.connect(succeeding("connection")).join()).isEqualTo("connection");
		}
		assertThat(this.attempts).hasValue(3);
		assertThat(this.backoff.attempts).isEmpty();
	}

	@Test
	void callersDuringTheBackoffGetTheLastFailureWithoutAnAttempt() {
		this.backoff.delay = Duration.ofHours(1);
		assertThat(failure(this.gate.connect(failing("Redis pool 'master' could not connect: refused"))))
			.hasMessage("Redis pool 'master' could not connect: refused");
		RuntimeException held = failure(this.gate.connect(succeeding("connection")));
		assertThat(held).isInstanceOf(RedisConnectionException.class)
			.hasMessageStartingWith("Redis pool 'master' could not connect: refused (not retried for another ")
			.hasMessageEndingWith(" ms)");
		assertThat(held.getCause()).hasMessage("Redis pool 'master' could not connect: refused");
		assertThat(this.attempts).hasValue(1);
	}

	@Test
	void onlyOneCallerTriesOnceTheBackoffHasPassed() {
		this.backoff.delay = Duration.ZERO;
		failure(this.gate.connect(failing("refused")));
		CompletableFuture<String> probe = new CompletableFuture<>();
		CompletableFuture<String> first = this.gate.connect(() -> {
			this.attempts.incrementAndGet();
			return probe;
		});
		assertThat(failure(this.gate.connect(succeeding("connection")))).hasMessage("refused (a new attempt is under way)");
		assertThat(this.attempts).hasValue(2);
		probe.complete("connection");
		assertThat(first.join()).isEqualTo("connection");
	}

	@Test
	void backoffIsAskedForEachFailureInARowAndASuccessStartsTheCountAgain() {
		this.backoff.delay = Duration.ZERO;
		for (int i = 0; i < 3; i++) {
			failure(this.gate.connect(failing("refused")));
		}
		this.gate.connect(succeeding("connection")).join();
		failure(this.gate.connect(failing("refused")));
		assertThat(this.backoff.attempts).containsExactly(1L, 2L, 3L, 1L);
	}

	@Test
	void successAfterTheBackoffLetsEveryCallerConnectAgain() {
		this.backoff.delay = Duration.ZERO;
		failure(this.gate.connect(failing("refused")));
		this.gate.connect(succeeding("connection")).join();
		assertThat(this.gate.connect(succeeding("second")).join()).isEqualTo("second");
		assertThat(this.gate.connect(succeeding("third")).join()).isEqualTo("third");
	}

	@Test
	void connectorThatThrowsCountsAsAFailedAttempt() {
		this.backoff.delay = Duration.ofHours(1);
		RuntimeException thrown = failure(this.gate.connect(() -> {
			throw new IllegalStateException("no event loop");
		}));
		assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("no event loop");
		assertThat(failure(this.gate.connect(succeeding("connection")))).hasMessageStartingWith("no event loop (not retried");
		assertThat(this.backoff.attempts).containsExactly(1L);
	}

	@Test
	void checkedFailureIsReportedAsAConnectionFailureWithItsCause() {
		this.backoff.delay = Duration.ofHours(1);
		IOException io = new IOException("Connection refused");
		RuntimeException failure = failure(this.gate.connect(() -> CompletableFuture.failedFuture(io)));
		assertThat(failure).isInstanceOf(RedisConnectionException.class).hasMessage("Connection refused");
		assertThat(failure.getCause()).isSameAs(io);
	}

	private Supplier<CompletableFuture<String>> succeeding(String connection) {
		return () -> {
			this.attempts.incrementAndGet();
			return CompletableFuture.completedFuture(connection);
		};
	}

	private Supplier<CompletableFuture<String>> failing(String message) {
		return () -> {
			this.attempts.incrementAndGet();
			return CompletableFuture.failedFuture(new RedisConnectionException(message));
		};
	}

	private static RuntimeException failure(CompletableFuture<?> future) {
		Throwable thrown = catchThrowable(future::join);
		assertThat(thrown).as("a failed attempt").isInstanceOf(CompletionException.class)
			.hasCauseInstanceOf(RuntimeException.class);
		return (RuntimeException) thrown.getCause();
	}

	/** Records the attempt numbers the gate asks a delay for, and answers a set delay. */
	static final class RecordingDelay extends Delay {

		final List<Long> attempts = new ArrayList<>();

		volatile Duration delay = Duration.ZERO;

		@Override
		public Duration createDelay(long attempt) {
			this.attempts.add(attempt);
			return this.delay;
		}

	}

}
