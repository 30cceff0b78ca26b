package io.gdnode.pool.connect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.gdnode.pool.SharedConnectionStateException;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ConnectionFacade;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SessionTracker}: what a borrower leaves on a connection, read from the
 * commands it wrote, without a server (the writer under the tracker only collects them).
 */
class SessionTrackerTests {

	private final Written written = new Written();

	private final SessionTracker tracker = new SessionTracker(this.written);

	@Test
	void answeredPlainCommandsLeaveNothing() {
		answer(write(CommandType.GET));
		answer(write(CommandType.SET));
		assertThat(this.tracker.leftover()).isEqualTo(SessionTracker.Leftover.NOTHING);
	}

	@Test
	void unansweredCommandLeavesTheSessionUnknown() {
		write(CommandType.BLPOP);
		assertThat(this.tracker.leftover()).isEqualTo(SessionTracker.Leftover.UNKNOWN);
	}

	@Test
	void timedOutCommandLeavesTheSessionUnknown() {
		write(CommandType.BLPOP).completeExceptionally(new RedisCommandTimeoutException("timed out"));
		assertThat(this.tracker.leftover()).isEqualTo(SessionTracker.Leftover.UNKNOWN);
	}

	@Test
	void redisErrorReplyLeavesNothing() {
		write(CommandType.INCR).completeExceptionally(new RedisCommandExecutionException("WRONGTYPE"));
		assertThat(this.tracker.leftover()).isEqualTo(SessionTracker.Leftover.NOTHING);
	}

	@Test
	void watchAndSelectAreResettableUntilReset() {
		answer(write(CommandType.WATCH));
		answer(write(CommandType.SELECT));
		assertThat(this.tracker.leftover()).isEqualTo(SessionTracker.Leftover.RESETTABLE);
		assertThat(this.tracker.watching()).isTrue();
		assertThat(this.tracker.changedDatabase()).isTrue();
		this.tracker.resetDone();
		assertThat(this.tracker.leftover()).isEqualTo(SessionTracker.Leftover.NOTHING);
	}

	@Test
	void discardedTransactionLeavesNothing() {
		answer(write(CommandType.MULTI));
		write(CommandType.SET).cancel(true);
		answer(write(CommandType.DISCARD));
		assertThat(this.tracker.leftover()).isEqualTo(SessionTracker.Leftover.NOTHING);
	}

	@Test
	void clientSetNameLeavesTheSessionUnknown() {
		AsyncCommand<String, String, String> setName = new AsyncCommand<>(new Command<>(CommandType.CLIENT,
				new StatusOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).add("SETNAME").add("x")));
		this.tracker.write(setName);
		answer(setName);
		assertThat(this.tracker.leftover()).isEqualTo(SessionTracker.Leftover.UNKNOWN);
	}

	@Test
	void longUseKeepsOnlyUnansweredCommands() {
		for (int i = 0; i < 10_000; i++) {
			answer(write(CommandType.BLPOP));
		}
		AsyncCommand<String, String, String> waiting = write(CommandType.BLPOP);
		assertThat(this.tracker.heldCommands()).isEqualTo(1);
		answer(waiting);
		assertThat(this.tracker.leftover()).isEqualTo(SessionTracker.Leftover.NOTHING);
	}

	@Test
	void sharedConnectionRefusesSessionChangesBeforeSendingAnything() {
		this.tracker.share();
		answer(write(CommandType.GET));
		assertThatExceptionOfType(SharedConnectionStateException.class).isThrownBy(() -> write(CommandType.SELECT))
			.satisfies((ex) -> assertThat(ex.getCommand()).isEqualTo("SELECT"));
		List<RedisCommand<String, String, ?>> batch = List.of(command(CommandType.GET), command(CommandType.MULTI));
		assertThatExceptionOfType(SharedConnectionStateException.class).isThrownBy(() -> this.tracker.write(batch));
		assertThat(this.written.commands).extracting((command) -> command.getType().toString()).containsExactly("GET");
	}

	private AsyncCommand<String, String, String> write(CommandType type) {
		AsyncCommand<String, String, String> command = command(type);
		this.tracker.write(command);
		return command;
	}

	private static AsyncCommand<String, String, String> command(CommandType type) {
		return new AsyncCommand<>(new Command<>(type, new StatusOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add(1)));
	}

	private static void answer(AsyncCommand<String, String, String> command) {
		command.complete("OK");
	}

	/**
	 * Collects what the tracker passes on.
	 */
	private static final class Written implements RedisChannelWriter {

		final List<RedisCommand<?, ?, ?>> commands = new ArrayList<>();

		@Override
		public <K, V, T> RedisCommand<K, V, T> write(RedisCommand<K, V, T> command) {
			this.commands.add(command);
			return command;
		}

		@Override
		@SuppressWarnings("unchecked")
		public <K, V> Collection<RedisCommand<K, V, ?>> write(Collection<? extends RedisCommand<K, V, ?>> commands) {
			this.commands.addAll(commands);
			return (Collection<RedisCommand<K, V, ?>>) commands;
		}

		@Override
		public void close() {
		}

		@Override
		public CompletableFuture<Void> closeAsync() {
			return CompletableFuture.completedFuture(null);
		}

		/**
		 * Lettuce 6's, which Lettuce 7 removed.
		 */
		public void reset() {
		}

		@Override
		public void setConnectionFacade(ConnectionFacade connection) {
		}

		@Override
		public void setAutoFlushCommands(boolean autoFlush) {
		}

		@Override
		public void flushCommands() {
		}

		@Override
		public ClientResources getClientResources() {
			return null;
		}

	}

}
