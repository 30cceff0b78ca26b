package io.gdnode.pool.client;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolView;
import io.gdnode.pool.SharedConnectionStateException;
import io.gdnode.pool.connect.SessionTracker;
import io.gdnode.pool.registry.BlockingPool;
import io.gdnode.pool.registry.PoolLease;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.output.CommandOutput;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.redis.connection.ClusterCommandExecutor;
import org.springframework.data.redis.connection.ClusterTopologyProvider;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClusterConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionProvider;

/**
 * A {@link LettuceConnectionFactory} for one role whose connections all come from pools of the
 * {@link SharedPoolRegistry}: plain commands, blocking and reactive, run on the pool's shared,
 * multiplexed connection, while what cannot share a connection (blocking commands, WATCH,
 * pipelines) borrows a dedicated pooled connection. The factory itself opens nothing, so it stays
 * valid while the registry closes idle pools and opens them again.
 * <p>
 * Reactive connections come from the same pool as blocking ones, seen through Spring Data Redis's
 * reactive codec, so the role has one bound, a Cluster role too.
 */
public class RoleConnectionFactory extends LettuceConnectionFactory {

	private final SharedPoolRegistry registry;

	private final BlockingPool syncPool;

	private final AtomicBoolean detached = new AtomicBoolean();

	private final PoolExceptionTranslator exceptionTranslator;

	private LettuceConnection.PipeliningFlushPolicy pipeliningFlushPolicy = LettuceConnection.PipeliningFlushPolicy
		.flushEachCommand();

	/**
	 * Create a factory attached to the registry's pools for the given definition.
	 * @param registry the registry that owns the pools
	 * @param definition the role pool's definition
	 */
	public RoleConnectionFactory(SharedPoolRegistry registry, PoolDefinition definition) {
		this(registry, definition, PoolSettingNames.NONE);
	}

	/**
	 * Create a factory attached to the registry's pools for the given definition, whose errors
	 * name the setting to change.
	 * @param registry the registry that owns the pools
	 * @param definition the role pool's definition
	 * @param settingNames names the settings behind a pool's limits
	 */
	public RoleConnectionFactory(SharedPoolRegistry registry, PoolDefinition definition,
			PoolSettingNames settingNames) {
		super(configuration(definition), LettuceClientConfiguration.builder()
			.clientResources(registry.getClientResources())
			.commandTimeout(definition.uri().getTimeout())
			.build());
		this.registry = registry;
		this.syncPool = registry.attach(definition);
		// The pool shares its connection, with a lease per use: Spring Data Redis must not open a
		// shared connection of its own (see getSharedConnection()), but reactive connections get the
		// pool's shared one.
		setShareNativeConnection(true);
		this.exceptionTranslator = new PoolExceptionTranslator(this.syncPool, settingNames);
	}

	/**
	 * Return what Spring Data Redis is told about the servers. Connections come from the registry
	 * whatever it says; a cluster configuration makes Spring Data Redis hand out cluster
	 * connections, and its own cluster client serves only commands that span nodes (KEYS, FLUSHALL, ...).
	 */
	private static RedisConfiguration configuration(PoolDefinition definition) {
		if (definition.topology().kind() != PoolTopology.Kind.CLUSTER) {
			return standalone(definition);
		}
		RedisClusterConfiguration configuration = new RedisClusterConfiguration(definition.topology().nodes());
		return withCredentials(configuration, definition);
	}

	private static RedisStandaloneConfiguration standalone(PoolDefinition definition) {
		RedisURI uri = definition.uri();
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
		configuration.setDatabase(uri.getDatabase());
		return withCredentials(configuration, definition);
	}

	private static <C extends RedisConfiguration.WithAuthentication> C withCredentials(C configuration,
			PoolDefinition definition) {
		RedisCredentials credentials = definition.credentials();
		configuration.setUsername(credentials.getUsername());
		configuration.setPassword(RedisPassword.of(credentials.getPassword()));
		return configuration;
	}

	/**
	 * Return what the application may see and do with the role's pool, behind blocking and
	 * reactive connections alike.
	 * @return the view of the role's pool, for example {@code master}
	 */
	public PoolView getPool() {
		return this.syncPool;
	}

	@Override
	protected LettuceConnectionProvider doCreateConnectionProvider(AbstractRedisClient client, RedisCodec<?, ?> codec) {
		if (codec instanceof ByteArrayCodec) {
			return RegistryConnectionProvider.of(this.syncPool, this.exceptionTranslator);
		}
		return RegistryConnectionProvider.reactive(this.syncPool, codec, this.exceptionTranslator);
	}

	/**
	 * Return nothing: blocking connections use the pool's shared connection under a lease, and
	 * Spring Data Redis must not open one of its own through the provider (which would borrow a
	 * dedicated connection for good).
	 */
	@Override
	protected StatefulRedisConnection<byte[], byte[]> getSharedConnection() {
		return null;
	}

	/**
	 * Return nothing, as {@link #getSharedConnection()}.
	 */
	@Override
	protected StatefulRedisClusterConnection<byte[], byte[]> getSharedClusterConnection() {
		return null;
	}

	/**
	 * Return the pool's shared connection seen through the reactive codec: each command runs under
	 * a lease on the pool until it completes, so a pool is never closed under a reactive command.
	 * A Cluster role's is a cluster connection, whose node connections run their commands under a
	 * lease too.
	 */
	@Override
	protected StatefulConnection<ByteBuffer, ByteBuffer> getSharedReactiveConnection() {
		return this.syncPool.sharedReactiveConnection();
	}

	/**
	 * Validate nothing: the pools check their connections themselves (a broken shared connection is
	 * replaced at its next use), and Spring Data Redis's check would open connections of its own.
	 */
	@Override
	public void validateConnection() {
	}

	@Override
	public void setPipeliningFlushPolicy(LettuceConnection.PipeliningFlushPolicy pipeliningFlushPolicy) {
		super.setPipeliningFlushPolicy(pipeliningFlushPolicy);
		this.pipeliningFlushPolicy = pipeliningFlushPolicy;
	}

	@Override
	protected LettuceConnection doCreateLettuceConnection(StatefulRedisConnection<byte[], byte[]> sharedConnection,
			LettuceConnectionProvider connectionProvider, long timeout, int database) {
		// Lettuce times every command (a blocking one by its block time plus the command timeout),
		// so Spring Data Redis's own wait must not cut a BLPOP short at the command timeout.
		LettuceConnection connection = leased((lease) -> new LeasedConnection(lease, this.syncPool,
				connectionProvider, Long.MAX_VALUE, database, this.exceptionTranslator));
		connection.setPipeliningFlushPolicy(this.pipeliningFlushPolicy);
		return connection;
	}

	/**
	 * Create a connection on a new lease of the sync pool, giving the lease back if that fails.
	 */
	private <C> C leased(Function<PoolLease, C> connection) {
		PoolLease lease = this.syncPool.lease();
		try {
			return connection.apply(lease);
		}
		catch (RuntimeException ex) {
			lease.close();
			DataAccessException translated = translateExceptionIfPossible(ex);
			throw (translated != null) ? translated : ex;
		}
	}

	/**
	 * Close a leased connection, then give its lease back whatever happened.
	 */
	private static void closeThenRelease(Runnable close, PoolLease lease) {
		try {
			close.run();
		}
		finally {
			lease.close();
		}
	}

	/**
	 * Translate as Spring Data Redis does, into a message that names the pool and its endpoint.
	 */
	@Override
	public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
		return this.exceptionTranslator.translate(super.translateExceptionIfPossible(ex));
	}

	@Override
	protected LettuceClusterConnection doCreateLettuceClusterConnection(
			StatefulRedisClusterConnection<byte[], byte[]> sharedConnection, LettuceConnectionProvider connectionProvider,
			ClusterTopologyProvider topologyProvider, ClusterCommandExecutor clusterCommandExecutor,
			Duration commandTimeout) {
		return leased((lease) -> new LeasedClusterConnection(lease, connectionProvider, topologyProvider,
				clusterCommandExecutor, commandTimeout, this.exceptionTranslator));
	}

	@Override
	public void destroy() {
		super.destroy();
		if (this.detached.compareAndSet(false, true)) {
			this.registry.detach(this.syncPool);
		}
	}

	/**
	 * A connection that holds a lease on the sync pool from creation to close, so the pool's
	 * shared connection cannot be closed under it, and whose errors name the pool and endpoint.
	 * Whatever needs a connection of its own (MULTI, WATCH, a blocking pop, a pipeline) gets the
	 * pool's {@linkplain BlockingPool#transactionConnection() transaction connection}: MULTI ... EXEC
	 * blocks go to the lane every transaction shares, anything else borrows a dedicated connection
	 * at its first command.
	 */
	private static final class LeasedConnection extends LettuceConnection {

		private final PoolLease lease;

		private final BlockingPool pool;

		private final PoolExceptionTranslator exceptionTranslator;

		LeasedConnection(PoolLease lease, BlockingPool pool, LettuceConnectionProvider connectionProvider, long timeout,
				int database, PoolExceptionTranslator exceptionTranslator) {
			super(lease.<StatefulRedisConnection<byte[], byte[]>>sharedConnection(), connectionProvider, timeout,
					database);
			this.lease = lease;
			this.pool = pool;
			this.exceptionTranslator = exceptionTranslator;
		}

		@Override
		protected StatefulConnection<byte[], byte[]> doGetAsyncDedicatedConnection() {
			return this.pool.transactionConnection();
		}

		@Override
		public Object execute(String command, CommandOutput commandOutputTypeHint, byte[]... args) {
			refuseSessionChangeOnSharedConnection(this, this.exceptionTranslator, command, args);
			return super.execute(command, commandOutputTypeHint, args);
		}

		@Override
		protected DataAccessException convertLettuceAccessException(Exception cause) {
			return this.exceptionTranslator.translate(super.convertLettuceAccessException(cause));
		}

		@Override
		public void close() {
			closeThenRelease(super::close, this.lease);
		}

	}

	/**
	 * Refuse a raw command that would change the session of the shared connection, where it runs
	 * outside a pipeline or transaction, as Spring Data Redis refuses {@code select()} there.
	 */
	private static void refuseSessionChangeOnSharedConnection(LettuceConnection connection,
			PoolExceptionTranslator exceptionTranslator, String command, byte[][] args) {
		if (!connection.isQueueing() && !connection.isPipelined()) {
			try {
				SessionTracker.refuseSessionChange(command, args);
			}
			catch (SharedConnectionStateException ex) {
				throw exceptionTranslator.translate(new InvalidDataAccessApiUsageException(ex.getMessage(), ex));
			}
		}
	}

	/**
	 * A cluster connection that holds a lease on the sync pool from creation to close, and whose
	 * errors name the pool and endpoint.
	 */
	private static final class LeasedClusterConnection extends LettuceClusterConnection {

		private final PoolLease lease;

		private final PoolExceptionTranslator exceptionTranslator;

		LeasedClusterConnection(PoolLease lease, LettuceConnectionProvider connectionProvider,
				ClusterTopologyProvider topologyProvider, ClusterCommandExecutor executor, Duration timeout,
				PoolExceptionTranslator exceptionTranslator) {
			super(lease.<StatefulRedisClusterConnection<byte[], byte[]>>sharedConnection(), connectionProvider,
					topologyProvider, executor, timeout);
			this.lease = lease;
			this.exceptionTranslator = exceptionTranslator;
		}

		@Override
		public Object execute(String command, byte[]... args) {
			refuseSessionChangeOnSharedConnection(this, this.exceptionTranslator, command, args);
			return super.execute(command, args);
		}

		@Override
		protected DataAccessException convertLettuceAccessException(Exception cause) {
			return this.exceptionTranslator.translate(super.convertLettuceAccessException(cause));
		}

		@Override
		public void close() {
			closeThenRelease(super::close, this.lease);
		}

	}

}
