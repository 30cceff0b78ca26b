package io.gdnode.pool.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.protocol.CommandWrapper;
import io.lettuce.core.protocol.CompleteableCommand;
import io.lettuce.core.protocol.ConnectionFacade;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;

/**
 * The writer of a reactive view ({@link ReactiveConnection}, {@link ReactiveClusterConnection}):
 * it writes each command on a connection of the pool, which owns and resets it, so the view has no
 * socket or state of its own. Lettuce's commands carry their codec, so a command of the reactive
 * codec can be written on the pool's {@code byte[]} connections as it is.
 */
abstract class PoolWriter implements RedisChannelWriter {

	final BlockingPool pool;

	PoolWriter(BlockingPool pool) {
		this.pool = pool;
	}

	/**
	 * Return a writer onto the shared connection of whichever generation is open, a lease per
	 * command in flight; where that connection must first be opened, the command is written once it
	 * is, so no thread waits for the connect.
	 */
	static PoolWriter shared(BlockingPool pool) {
		return new Shared(pool);
	}

	/**
	 * Return a writer onto one borrowed connection, given back to the pool once, when closed.
	 */
	static PoolWriter lent(BlockingPool pool, StatefulConnection<?, ?> borrowed) {
		return new Lent(pool, borrowed);
	}

	/**
	 * Return a writer onto one node connection of a cluster connection, a lease per command in
	 * flight on the given generation, or none when {@code null} (the node of a lent connection,
	 * whose borrower holds the lease).
	 */
	static PoolWriter node(BlockingPool pool, BlockingGeneration generation, StatefulConnection<?, ?> node) {
		return new Node(pool, generation, node);
	}

	static RedisChannelWriter writerOf(StatefulConnection<?, ?> connection) {
		return ((RedisChannelHandler<?, ?>) connection).getChannelWriter();
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

	/**
	 * Release the lease once the command is done: answered, failed or cancelled.
	 */
	@SuppressWarnings("unchecked")
	static <K, V, T> RedisCommand<K, V, T> releasedOnCompletion(RedisCommand<K, V, T> command, Lease lease) {
		RedisCommand<K, V, T> leased = (command instanceof CompleteableCommand) ? command
				: new CommandWrapper<>(command);
		((CompleteableCommand<T>) leased).onComplete(lease);
		if (leased.isDone()) {
			// Done before the callback was registered, which then never runs.
			lease.release();
		}
		return leased;
	}

	/**
	 * A writer onto connections every caller shares: commands are always flushed, and closing it
	 * closes nothing, since the pool owns those connections.
	 */
	private abstract static class SharedConnectionWriter extends PoolWriter {

		SharedConnectionWriter(BlockingPool pool) {
			super(pool);
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
			return CompletableFuture.completedFuture(null);
		}

	}

	/**
	 * Writes on the open generation's shared connection, a lease per command in flight.
	 */
	private static final class Shared extends SharedConnectionWriter {

		Shared(BlockingPool pool) {
			super(pool);
		}

		@Override
		public <K, V, T> RedisCommand<K, V, T> write(RedisCommand<K, V, T> command) {
			BlockingGeneration generation = this.pool.acquire();
			Lease lease = new Lease(generation);
			RedisCommand<K, V, T> leased;
			try {
				leased = releasedOnCompletion(command, lease);
				generation.whenSharedConnectionOpen((connection, ex) -> writeOnceOpen(connection, ex, leased, lease));
			}
			catch (RuntimeException ex) {
				lease.release();
				throw ex;
			}
			return leased;
		}

		/**
		 * Write the command once the connection is open, or fail it with why it could not be; either
		 * way the lease goes back when the command completes.
		 */
		private static <K, V, T> void writeOnceOpen(StatefulConnection<?, ?> connection, Throwable failure,
				RedisCommand<K, V, T> command, Lease lease) {
			try {
				if (failure == null) {
					writerOf(connection).write(command);
					return;
				}
				command.completeExceptionally(failure);
			}
			catch (RuntimeException ex) {
				command.completeExceptionally(ex);
			}
			// A command already done before it failed here completes no more: release it all the same.
			lease.release();
		}

	}

	/**
	 * Writes on one node connection of a cluster connection, a lease per command in flight when
	 * the cluster connection is shared.
	 */
	private static final class Node extends SharedConnectionWriter {

		private final BlockingGeneration generation;

		private final StatefulConnection<?, ?> node;

		Node(BlockingPool pool, BlockingGeneration generation, StatefulConnection<?, ?> node) {
			super(pool);
			this.generation = generation;
			this.node = node;
		}

		@Override
		public <K, V, T> RedisCommand<K, V, T> write(RedisCommand<K, V, T> command) {
			if (this.generation == null) {
				return writerOf(this.node).write(command);
			}
			if (!this.generation.tryAcquire()) {
				// The generation retired since the node connection was handed out, and closed it.
				command.completeExceptionally(new IllegalStateException("Redis pool '" + this.pool.name
						+ "' closed the node connection while idle: ask the cluster connection for it again"));
				return command;
			}
			Lease lease = new Lease(this.generation);
			try {
				return writerOf(this.node).write(releasedOnCompletion(command, lease));
			}
			catch (RuntimeException ex) {
				lease.release();
				throw ex;
			}
		}

	}

	/**
	 * A lease of one command on a generation, released once whatever completes the command.
	 */
	static final class Lease extends AtomicBoolean implements BiConsumer<Object, Throwable> {

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
	private static final class Lent extends PoolWriter {

		private final StatefulConnection<?, ?> borrowed;

		private final AtomicBoolean givenBack = new AtomicBoolean();

		Lent(BlockingPool pool, StatefulConnection<?, ?> borrowed) {
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
