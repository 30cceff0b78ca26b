package io.gdnode.pool.registry;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.gdnode.pool.connect.SessionTracker;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisException;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.protocol.ConnectionFacade;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;

/**
 * The connection a transaction is handed instead of a dedicated one: a Lettuce connection without
 * a socket. It answers MULTI itself, keeps the commands that follow, and at EXEC hands the block
 * to the pool's {@link TransactionLane}. Lettuce's own transaction handling (queued commands
 * completed from EXEC's reply) is untouched: only the writer under it is different.
 * <p>
 * A command outside MULTI ... EXEC (WATCH, a blocking pop, a pipeline) needs a connection to
 * itself: the first one borrows a dedicated connection from the pool, and every command after it
 * goes there, transactions included.
 */
final class TransactionConnection<K, V> extends StatefulRedisConnectionImpl<K, V> {

	private TransactionConnection(BlockWriter writer, RedisCodec<K, V> codec, Duration timeout) {
		super(writer, NoPush.INSTANCE, codec, timeout);
	}

	/**
	 * @param lane where blocks are written
	 * @param dedicated lends a dedicated connection under the lease this connection holds
	 * @param release releases the lease on the pool's generation that this connection holds
	 */
	static <K, V> TransactionConnection<K, V> create(TransactionLane lane, DedicatedConnections dedicated,
			Runnable release, ClientResources resources, ClientOptions options, RedisCodec<K, V> codec,
			Duration timeout) {
		TransactionConnection<K, V> connection = new TransactionConnection<>(
				new BlockWriter(lane, dedicated, release, resources, codec), codec, timeout);
		connection.setOptions(options);
		return connection;
	}

	private static final class BlockWriter implements RedisChannelWriter {

		private static final byte[] OK = { 'O', 'K' };

		private final TransactionLane lane;

		private final DedicatedConnections lender;

		private final Runnable release;

		private final ClientResources resources;

		/** The commands after MULTI, while a block is open. */
		private List<RedisCommand<?, ?, ?>> block;

		private StatefulConnection<?, ?> dedicated;

		private final RedisCodec<?, ?> codec;

		private boolean closed;

		BlockWriter(TransactionLane lane, DedicatedConnections lender, Runnable release, ClientResources resources,
				RedisCodec<?, ?> codec) {
			this.codec = codec;
			this.lane = lane;
			this.lender = lender;
			this.release = release;
			this.resources = resources;
		}

		@Override
		public <K, V, T> RedisCommand<K, V, T> write(RedisCommand<K, V, T> command) {
			if (this.closed) {
				throw new RedisException("Connection is closed");
			}
			if (this.dedicated != null) {
				return dedicatedWriter().write(command);
			}
			String type = command.getType().toString();
			if (this.block == null) {
				if (!type.equals("MULTI")) {
					return escalate().write(command);
				}
				this.block = new ArrayList<>();
				answerOk(command);
			}
			else if (type.equals("EXEC")) {
				List<RedisCommand<?, ?, ?>> block = this.block;
				this.block = null;
				block.add(command);
				this.lane.write(block);
			}
			else if (type.equals("DISCARD")) {
				this.block = null;
				answerOk(command);
			}
			else if (SessionTracker.changesSession(command)) {
				moveBlockToDedicated();
				return dedicatedWriter().write(command);
			}
			else {
				this.block.add(command);
			}
			return command;
		}

		/**
		 * A block that changes the session (a raw SELECT, CLIENT SETNAME, ...) must not run on the
		 * lane that every transaction shares: it continues on a dedicated connection, as with
		 * Spring Data Redis's own factory, whose session the pool resets or closes when given back.
		 */
		private void moveBlockToDedicated() {
			List<RedisCommand<?, ?, ?>> block = this.block;
			this.block = null;
			block.add(0, TransactionLane.multi(this.codec));
			escalate().write(castBlock(block));
		}

		@SuppressWarnings({ "rawtypes", "unchecked" })
		private static Collection castBlock(List<RedisCommand<?, ?, ?>> block) {
			return block;
		}

		@Override
		@SuppressWarnings("unchecked")
		public <K, V> Collection<RedisCommand<K, V, ?>> write(Collection<? extends RedisCommand<K, V, ?>> commands) {
			if (this.dedicated != null) {
				return dedicatedWriter().write(commands);
			}
			commands.forEach(this::write);
			return (Collection<RedisCommand<K, V, ?>>) commands;
		}

		/**
		 * Answer MULTI or DISCARD as Redis does when all is well. Were MULTI refused, the lane's
		 * probe finds it and EXEC fails with Redis's reason before anything of the block is sent.
		 */
		private static void answerOk(RedisCommand<?, ?, ?> command) {
			command.getOutput().set(ByteBuffer.wrap(OK));
			command.complete();
		}

		private RedisChannelWriter escalate() {
			this.dedicated = this.lender.borrow();
			return dedicatedWriter();
		}

		private RedisChannelWriter dedicatedWriter() {
			return ((RedisChannelHandler<?, ?>) this.dedicated).getChannelWriter();
		}

		@Override
		public void setAutoFlushCommands(boolean autoFlush) {
			// Only a pipeline turns auto-flush off, and a pipeline is not a transaction.
			if (!autoFlush && this.dedicated == null) {
				escalate();
			}
			if (this.dedicated != null) {
				dedicatedWriter().setAutoFlushCommands(autoFlush);
			}
		}

		@Override
		public void flushCommands() {
			if (this.dedicated != null) {
				dedicatedWriter().flushCommands();
			}
		}

		/**
		 * Lettuce 6's {@code reset()}, which Lettuce 7 removed: no {@code @Override}, so one source
		 * compiles against both. Drops the open block, whose commands were never sent.
		 */
		@Deprecated
		public void reset() {
			cancelBlock();
		}

		private void cancelBlock() {
			if (this.block != null) {
				this.block.forEach((command) -> command.cancel());
				this.block = null;
			}
		}

		@Override
		public void setConnectionFacade(ConnectionFacade connection) {
		}

		@Override
		public ClientResources getClientResources() {
			return this.resources;
		}

		@Override
		public void close() {
			closeAsync().join();
		}

		@Override
		public CompletableFuture<Void> closeAsync() {
			if (this.closed) {
				return CompletableFuture.completedFuture(null);
			}
			this.closed = true;
			try {
				// A block never executed: its commands were never sent, and never will be.
				cancelBlock();
				if (this.dedicated != null) {
					this.lender.giveBack(this.dedicated);
					this.dedicated = null;
				}
			}
			finally {
				this.release.run();
			}
			return CompletableFuture.completedFuture(null);
		}

	}

}
