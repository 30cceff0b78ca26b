package io.gdnode.pool.registry;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;

import io.gdnode.pool.SharedConnectionStateException;
import io.gdnode.pool.connect.ByteBufferCodec;
import io.gdnode.pool.connect.SessionTracker;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.protocol.RedisCommand;

/**
 * Spring Data Redis's reactive connection ({@link ByteBuffer} keys and values) over the pool's own
 * {@code byte[]} connections: Lettuce's commands carry their codec, so a command of any codec can be
 * written on any connection. One pool then serves blocking and reactive use, with one bound.
 * <p>
 * The {@linkplain #shared shared} form writes every command on the open generation's shared
 * connection, under a lease held until the command completes, fails or is cancelled: a pool with
 * a command in flight is never closed as idle. When the shared connection must first be opened,
 * the command is written once it is open, so no thread, a Reactor or Netty one least of all, waits
 * for the connect. The {@linkplain #lent lent} form writes on one borrowed connection and
 * gives it back when closed, whoever closes it. A {@linkplain #node node} form writes on one node
 * connection of a {@link ReactiveClusterConnection}'s cluster connection.
 */
final class ReactiveConnection extends StatefulRedisConnectionImpl<ByteBuffer, ByteBuffer> {

	/** Whether every caller shares this connection, which then refuses session changes. */
	private final boolean shared;

	private ReactiveConnection(PoolWriter writer, boolean shared, ClientOptions options, Duration timeout) {
		super(writer, NoPush.INSTANCE, ByteBufferCodec.INSTANCE, timeout);
		this.shared = shared;
		setOptions(options);
	}

	/**
	 * Return a connection that writes on the shared connection of whichever generation is open.
	 */
	static ReactiveConnection shared(BlockingPool pool) {
		return new ReactiveConnection(PoolWriter.shared(pool), true, pool.clientOptions,
				pool.uri.getTimeout());
	}

	/**
	 * Return a connection that writes on a borrowed connection and gives it back when closed.
	 */
	static ReactiveConnection lent(BlockingPool pool, StatefulConnection<?, ?> borrowed) {
		return new ReactiveConnection(PoolWriter.lent(pool, borrowed), false, pool.clientOptions, pool.uri.getTimeout());
	}

	/**
	 * Return a connection that writes on a node connection of a cluster connection, each command
	 * under a lease on the generation when given (the shared cluster connection's nodes), which
	 * also makes it refuse session changes.
	 */
	static ReactiveConnection node(BlockingPool pool, BlockingGeneration generation, StatefulConnection<?, ?> node) {
		return new ReactiveConnection(PoolWriter.node(pool, generation, node), generation != null, pool.clientOptions,
				pool.uri.getTimeout());
	}

	/**
	 * Refuse, on the shared form, what would change the session of every caller (SELECT, MULTI,
	 * CLIENT SETNAME, ...), before this connection records it as its own state.
	 */
	@Override
	public <T> RedisCommand<ByteBuffer, ByteBuffer, T> dispatch(RedisCommand<ByteBuffer, ByteBuffer, T> command) {
		refuseSessionChange(this.shared, command);
		return super.dispatch(command);
	}

	@Override
	public Collection<RedisCommand<ByteBuffer, ByteBuffer, ?>> dispatch(
			Collection<? extends RedisCommand<ByteBuffer, ByteBuffer, ?>> commands) {
		commands.forEach((command) -> refuseSessionChange(this.shared, command));
		return super.dispatch(commands);
	}

	static void refuseSessionChange(boolean shared, RedisCommand<?, ?, ?> command) {
		if (shared && SessionTracker.changesSession(command)) {
			throw new SharedConnectionStateException(command.getType().toString());
		}
	}

}
