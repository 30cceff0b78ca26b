package io.gdnode.pool.client;

import io.gdnode.pool.SharedConnectionStateException;
import io.gdnode.pool.connect.ExclusiveCommands;
import io.lettuce.core.RedisAsyncCommandsImpl;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisAdvancedClusterAsyncCommandsImpl;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.RedisCommand;

/**
 * The async commands of a lane that other calls share: a command that would change the Redis
 * session (MULTI, WATCH, SELECT, CLIENT SETNAME, AUTH, ...) or block the connection (BLPOP,
 * XREAD BLOCK, WAIT, ...) is refused before anything is sent, naming the method that gives the
 * commands a connection of their own. Lettuce's commands pass every command through one
 * {@code dispatch}, which is checked here before Lettuce's connection sees the command: refused
 * later, a MULTI would already have put the connection of every call on it into a transaction.
 */
final class SharedLaneCommands {

	private SharedLaneCommands() {
	}

	/**
	 * Return the shared-lane commands of a connection.
	 * @param connection the lane's connection, to one Redis or to a Cluster
	 * @param pool the pool's name, for the refusal
	 * @return its commands, which refuse what cannot share the connection
	 */
	static RedisClusterAsyncCommands<String, String> of(StatefulConnection<String, String> connection, String pool) {
		if (connection instanceof StatefulRedisConnection<String, String> redis) {
			return new StandaloneCommands(redis, pool);
		}
		return new ClusterCommands((StatefulRedisClusterConnection<String, String>) connection, pool);
	}

	/**
	 * Return the failure for a command refused on a shared lane of the pool.
	 * @param command the command
	 * @param pool the pool's name
	 * @return the failure
	 */
	static SharedConnectionStateException refusal(String command, String pool) {
		return new SharedConnectionStateException(command, command + " cannot run on the async pool '" + pool
				+ "' through execute(...): its connections are shared by every call in flight at the same time,"
				+ " which would join the transaction, change database or session with it, or wait behind the"
				+ " blocked connection; run it with executeExclusive(...), which gives the commands a connection"
				+ " of their own until the returned stage completes");
	}

	private static void refuseIfExclusive(RedisCommand<?, ?, ?> command, String pool) {
		if (ExclusiveCommands.needsExclusive(command)) {
			throw refusal(command.getType().toString(), pool);
		}
	}

	private static void setAutoFlushCommands(StatefulConnection<?, ?> connection, boolean autoFlush, String pool) {
		if (!autoFlush) {
			// The other calls in flight would wait for a flush that none of them asks for.
			throw refusal("setAutoFlushCommands(false)", pool);
		}
		connection.setAutoFlushCommands(true);
	}

	private static final class StandaloneCommands extends RedisAsyncCommandsImpl<String, String> {

		private final String pool;

		StandaloneCommands(StatefulRedisConnection<String, String> connection, String pool) {
			super(connection, StringCodec.UTF8, connection.getOptions().getJsonParser());
			this.pool = pool;
		}

		@Override
		public <T> AsyncCommand<String, String, T> dispatch(RedisCommand<String, String, T> command) {
			refuseIfExclusive(command, this.pool);
			return super.dispatch(command);
		}

		/**
		 * Lettuce 6's {@code setAutoFlushCommands}, which Lettuce 7 removed from the commands: no
		 * {@code @Override}, so one source compiles against both.
		 */
		public void setAutoFlushCommands(boolean autoFlush) {
			SharedLaneCommands.setAutoFlushCommands(getStatefulConnection(), autoFlush, this.pool);
		}

	}

	private static final class ClusterCommands extends RedisAdvancedClusterAsyncCommandsImpl<String, String> {

		private final String pool;

		ClusterCommands(StatefulRedisClusterConnection<String, String> connection, String pool) {
			super(connection, StringCodec.UTF8, connection.getOptions().getJsonParser());
			this.pool = pool;
		}

		@Override
		public <T> AsyncCommand<String, String, T> dispatch(RedisCommand<String, String, T> command) {
			refuseIfExclusive(command, this.pool);
			return super.dispatch(command);
		}

		/**
		 * Lettuce 6's {@code setAutoFlushCommands}, which Lettuce 7 removed from the commands: no
		 * {@code @Override}, so one source compiles against both.
		 */
		public void setAutoFlushCommands(boolean autoFlush) {
			SharedLaneCommands.setAutoFlushCommands(getStatefulConnection(), autoFlush, this.pool);
		}

	}

}
