package io.gdnode.pool.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gdnode.pool.ConnectionSettings;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolRole;
import io.gdnode.pool.PoolType;
import io.gdnode.pool.localredis.LocalRedisServer;
import io.gdnode.pool.registry.BlockingPool;
import io.gdnode.pool.registry.PoolLease;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.support.ConnectionPoolSupport;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Section 4: the registry's path to a connection against commons-pool2's borrow and return.
 * <p>
 * Every pool holds real Lettuce connections to a local Redis, opened in the set-up, so that only
 * the in-memory borrow and return are measured; the registry's public API cannot be handed a stub
 * connection, so real ones stand in for the stub of Lettuce's own pool benchmark, on both sides.
 * {@code commonsPoolBorrowReturn} is the registry's own pool configuration without the registry
 * (the fair baseline); {@code lettucePoolBorrowReturn} is Lettuce's
 * {@code GenericConnectionPoolBenchmark.singleConnection} (wrapped connections, its configuration).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegistryPathBenchmark {

	private static final int POOL_SIZE = 10;

	private LocalRedisServer redis;

	private ClientResources resources;

	private SharedPoolRegistry registry;

	private BlockingPool registryPool;

	private RedisClient client;

	private GenericObjectPool<StatefulRedisConnection<byte[], byte[]>> commonsPool;

	private GenericObjectPool<StatefulRedisConnection<byte[], byte[]>> lettucePool;

	@Setup(Level.Trial)
	public void open() throws Exception {
		this.redis = LocalRedisServer.start();
		this.resources = DefaultClientResources.create();
		// Timeouts far beyond the run: the cleanup must not close the pool while it is measured.
		this.registry = new SharedPoolRegistry(this.resources, Duration.ofHours(1), Duration.ofHours(1), true);
		this.registryPool = this.registry.attach(new PoolDefinition(PoolRole.MASTER, PoolType.SYNC,
				RedisURI.create(this.redis.url()),
				ConnectionSettings.defaults(Duration.ofSeconds(10), Duration.ofSeconds(60)), true, POOL_SIZE, 0, Duration.ofSeconds(5)));
		this.registryPool.giveBack(this.registryPool.borrow());
		this.registryPool.lease().close();
		this.client = RedisClient.create(this.resources, this.redis.url());
		this.commonsPool = new GenericObjectPool<>(new ConnectionFactory(this.client), registryPoolConfig());
		this.commonsPool.returnObject(this.commonsPool.borrowObject());
		GenericObjectPoolConfig<StatefulRedisConnection<byte[], byte[]>> lettuceConfig = new GenericObjectPoolConfig<>();
		lettuceConfig.setMinIdle(0);
		lettuceConfig.setMaxIdle(20);
		lettuceConfig.setMaxTotal(20);
		this.lettucePool = ConnectionPoolSupport
			.createGenericObjectPool(() -> this.client.connect(ByteArrayCodec.INSTANCE), lettuceConfig);
		this.lettucePool.returnObject(this.lettucePool.borrowObject());
	}

	/**
	 * The configuration the registry gives its pools ({@code BlockingGeneration}).
	 */
	private static GenericObjectPoolConfig<StatefulRedisConnection<byte[], byte[]>> registryPoolConfig() {
		GenericObjectPoolConfig<StatefulRedisConnection<byte[], byte[]>> config = new GenericObjectPoolConfig<>();
		config.setMaxTotal(POOL_SIZE);
		config.setMaxIdle(POOL_SIZE);
		config.setMinIdle(0);
		config.setMaxWait(Duration.ofSeconds(5));
		config.setTestOnBorrow(true);
		config.setJmxEnabled(false);
		return config;
	}

	@TearDown(Level.Trial)
	public void close() {
		this.lettucePool.close();
		this.commonsPool.close();
		this.registry.destroy();
		this.client.shutdown();
		this.resources.shutdown(0, 2, TimeUnit.SECONDS);
		this.redis.close();
	}

	/** The dedicated-connection path: find the open generation, borrow, give back, release. */
	@Benchmark
	public StatefulRedisConnection<?, ?> registryBorrowGiveBack() {
		StatefulRedisConnection<?, ?> connection = this.registryPool.borrow();
		this.registryPool.giveBack(connection);
		return connection;
	}

	/** The plain-command path: a lease on the open generation and its shared connection. */
	@Benchmark
	public StatefulRedisConnection<?, ?> registryLease() {
		try (PoolLease lease = this.registryPool.lease()) {
			return lease.sharedConnection();
		}
	}

	@Benchmark
	public StatefulRedisConnection<?, ?> commonsPoolBorrowReturn() throws Exception {
		StatefulRedisConnection<byte[], byte[]> connection = this.commonsPool.borrowObject();
		this.commonsPool.returnObject(connection);
		return connection;
	}

	@Benchmark
	public StatefulRedisConnection<?, ?> lettucePoolBorrowReturn() throws Exception {
		StatefulRedisConnection<byte[], byte[]> connection = this.lettucePool.borrowObject();
		this.lettucePool.returnObject(connection);
		return connection;
	}

	private static final class ConnectionFactory extends BasePooledObjectFactory<StatefulRedisConnection<byte[], byte[]>> {

		private final RedisClient client;

		ConnectionFactory(RedisClient client) {
			this.client = client;
		}

		@Override
		public StatefulRedisConnection<byte[], byte[]> create() {
			return this.client.connect(ByteArrayCodec.INSTANCE);
		}

		@Override
		public PooledObject<StatefulRedisConnection<byte[], byte[]>> wrap(StatefulRedisConnection<byte[], byte[]> connection) {
			return new DefaultPooledObject<>(connection);
		}

		@Override
		public boolean validateObject(PooledObject<StatefulRedisConnection<byte[], byte[]>> pooled) {
			return pooled.getObject().isOpen();
		}

		@Override
		public void destroyObject(PooledObject<StatefulRedisConnection<byte[], byte[]>> pooled) {
			pooled.getObject().close();
		}

	}

}
