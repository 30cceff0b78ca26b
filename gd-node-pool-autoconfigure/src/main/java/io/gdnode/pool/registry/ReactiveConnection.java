package io.gdnode.pool.registry;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import io.gdnode.pool.PoolType;
import io.gdnode.pool.SharedConnectionStateException;
import io.gdnode.pool.connect.LettuceOptions;
import io.gdnode.pool.connect.SessionTracker;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.protocol.CommandWrapper;
import io.lettuce.core.protocol.CompleteableCommand;
import io.lettuce.core.protocol.ConnectionFacade;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;

/**
 * Spring Data Redis's reactive connection ({@link ByteBuffer} keys and values) over the pool's own
 * {@code byte[]} connections: Lettuce's commands carry their codec, so a command of any codec can be
 * written on any connection. One pool then serves blocking and reactive use, with one bound.
 * <p>
 * The {@linkplain #shared shared} form writes every command on the open generation's shared
 * connection, under a lease held until the command completes, fails or is cancelled: a pool with
 * a command in flight is never closed as idle. When the shared connection must first be opened,
 * the command is written from the pool's connect executor, so a Reactor or Netty thread never
 * waits for a connect. The {@linkplain #lent lent} form writes on one borrowed connection and
 * gives it back when closed, whoever closes it.
 */
final class ReactiveConnection extends StatefulRedisConnectionImpl<ByteBuffer, ByteBuffer> {

	@SuppressWarnings("unchecked")
	private static final RedisCodec<ByteBuffer, ByteBuffer> CODEC = (RedisCodec<ByteBuffer, ByteBuffer>) LettuceOptions
		.codec(PoolType.REACTIVE);

	/** Whether every caller shares this connection, which then refuses session changes. */
	private final boolean shared;

	private ReactiveConnection(RedisChannelWriter writer, boolean shared, ClientOptions options, Duration timeout) {
		super(writer, NoPush.INSTANCE, CODEC, timeout);
		this.shared = shared;
		setOptions(options);
	}

	/**
	 * Return a connection that writes on the shared connection of whichever generation is open.
	 */
	static ReactiveConnection shared(BlockingPool pool, Executor connectExecutor) {
		return new ReactiveConnection(new SharedWriter(pool, connectExecutor), true, pool.clientOptions,
				pool.uri.getTimeout());
	}

	/**
	 * Return a connection that writes on a borrowed connection and gives it back when closed.
	 */
	static ReactiveConnection lent(BlockingPool pool, StatefulConnection<?, ?> borrowed) {
		return new ReactiveConnection(new LentWriter(pool, borrowed), false, pool.clientOptions, pool.uri.getTimeout());
	}

	/**
	 * Refuse, on the shared form, what would change the session of every caller (SELECT, MULTI,
	 * CLIENT SETNAME, ...), before this connection records it as its own state.
	 */
	@Override
	public <T> RedisCommand<ByteBuffer, ByteBuffer, T> dispatch(RedisCommand<ByteBuffer, ByteBuffer, T> command) {
		refuseSessionChange(command);
		return super.dispatch(command);
	}

	@Override
	public Collection<RedisCommand<ByteBuffer, ByteBuffer, ?>> dispatch(
			Collection<? extends RedisCommand<ByteBuffer, ByteBuffer, ?>> commands) {
		commands.forEach(this::refuseSessionChange);
		return super.dispatch(commands);
	}

	private void refuseSessionChange(RedisCommand<?, ?, ?> command) {
		if (this.shared && SessionTracker.changesSession(command)) {
			throw new SharedConnectionStateException(command.getType().toString());
		}
	}

	private static RedisChannelWriter writerOf(StatefulConnection<?, ?> connection) {
		return ((RedisChannelHandler<?, ?>) connection).getChannelWriter();
	}

	/**
	 * A writer onto connections of the pool, which owns and resets them: this connection has no
	 * socket or state of its own.
	 */
	private abstract static class PoolWriter implements RedisChannelWriter {

		final BlockingPool pool;

		PoolWriter(BlockingPool pool) {
			this.pool = pool;
		}

		/**
		 * Lettuce 6's {@code reset()}, which Lettuce 7 removed: no {@code @Override}, so one source
		 * compiles against both. The pool's connections are the pool's to reset.
		 */
		@Deprecated
		public void reset() {
		}

		@Override
		public void setConnectionFacade(ConnectionFacade connection) {
		}

		@Override
		public ClientResources getClientResources() {
			return this.pool.resources;
		}

	}

	/**
	 * Writes on the open generation's shared connection, a lease per command in flight.
	 */
	private static final class SharedWriter extends PoolWriter {

		private final Executor connectExecutor;

		SharedWriter(BlockingPool pool, Executor connectExecutor) {
			super(pool);
			this.connectExecutor = connectExecutor;
		}

		@Override
		public <K, V, T> RedisCommand<K, V, T> write(RedisCommand<K, V, T> command) {
			BlockingGeneration generation = this.pool.acquire();
			Lease lease = new Lease(generation);
			RedisCommand<K, V, T> leased;
			try {
				leased = releasedOnCompletion(command, lease);
				StatefulConnection<?, ?> connection = generation.readySharedConnection();
				if (connection != null) {
					writerOf(connection).write(leased);
				}
				else {
					this.connectExecutor.execute(() -> writeOnceOpen(generation, leased, lease));
				}
			}
			catch (RuntimeException ex) {
				lease.release();
				throw ex;
			}
			return leased;
		}

		private static <K, V, T> void writeOnceOpen(BlockingGeneration generation, RedisCommand<K, V, T> command,
				Lease lease) {
			try {
				writerOf(generation.sharedConnection()).write(command);
			}
			catch (RuntimeException ex) {
				command.completeExceptionally(ex);
				lease.release();
			}
		}

		/**
		 * Release the lease once the command is done: answered, failed or cancelled.
		 */
		@SuppressWarnings("unchecked")
		private static <K, V, T> RedisCommand<K, V, T> releasedOnCompletion(RedisCommand<K, V, T> command,
				Lease lease) {
			RedisCommand<K, V, T> leased = (command instanceof CompleteableCommand) ? command
					: new CommandWrapper<>(command);
			((CompleteableCommand<T>) leased).onComplete(lease);
			if (leased.isDone()) {
				// Done before the callback was registered, which then never runs.
				lease.release();
			}
			return leased;
		}

		@Override
		public <K, V> Collection<RedisCommand<K, V, ?>> write(Collection<? extends RedisCommand<K, V, ?>> commands) {
			List<RedisCommand<K, V, ?>> written = new ArrayList<>(commands.size());
			commands.forEach((command) -> written.add(write(command)));
			return written;
		}

		@Override
		public void setAutoFlushCommands(boolean autoFlush) {
			if (!autoFlush) {
				// Every caller shares the connection: none may hold back the commands of the others.
				throw new UnsupportedOperationException("A shared connection always flushes its commands");
			}
		}

		@Override
		public void flushCommands() {
		}

		@Override
		public void close() {
		}

		@Override
		public CompletableFuture<Void> closeAsync() {
			// The shared connection belongs to the pool, which closes it when idle.
			return CompletableFuture.completedFuture(null);
		}

	}

	/**
	 * A lease of one command on a generation, released once whatever completes the command.
	 */
	private static final class Lease extends AtomicBoolean implements BiConsumer<Object, Throwable> {

		private final BlockingGeneration generation;

		Lease(BlockingGeneration generation) {
			this.generation = generation;
		}

		@Override
		public void accept(Object result, Throwable failure) {
			release();
		}

		void release() {
			if (compareAndSet(false, true)) {
				this.generation.release();
			}
		}

	}

	/**
	 * Writes on one borrowed connection, given back to the pool once, when closed.
	 */
	private static final class LentWriter extends PoolWriter {

		private final StatefulConnection<?, ?> borrowed;

		private final AtomicBoolean givenBack = new AtomicBoolean();

		LentWriter(BlockingPool pool, StatefulConnection<?, ?> borrowed) {
			super(pool);
			this.borrowed = borrowed;
		}

		@Override
		public <K, V, T> RedisCommand<K, V, T> write(RedisCommand<K, V, T> command) {
			return writerOf(this.borrowed).write(command);
		}

		@Override
		public <K, V> Collection<RedisCommand<K, V, ?>> write(Collection<? extends RedisCommand<K, V, ?>> commands) {
			return writerOf(this.borrowed).write(commands);
		}

		@Override
		public void setAutoFlushCommands(boolean autoFlush) {
			writerOf(this.borrowed).setAutoFlushCommands(autoFlush);
		}

		@Override
		public void flushCommands() {
			writerOf(this.borrowed).flushCommands();
		}

		@Override
		public void close() {
			closeAsync();
		}

		@Override
		public CompletableFuture<Void> closeAsync() {
			if (this.givenBack.compareAndSet(false, true)) {
				this.pool.giveBack(this.borrowed);
			}
			return CompletableFuture.completedFuture(null);
		}

	}

}
