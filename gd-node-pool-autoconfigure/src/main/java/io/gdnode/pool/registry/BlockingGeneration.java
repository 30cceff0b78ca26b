package io.gdnode.pool.registry;

import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.RedisCodec;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * A generation of a sync or reactive pool: a lazily opened shared connection for plain commands
 * and a commons-pool2 pool of dedicated connections, or none when pooling is off.
 */
final class BlockingGeneration extends PoolGeneration {

	private final ConnectionOpener opener;

	private final RedisCodec<?, ?> codec;

	private final RedisURI uri;

	private final String name;

	private final PoolDefinition definition;

	private final GenericObjectPool<StatefulConnection<?, ?>> pool;

	private volatile StatefulConnection<?, ?> shared;

	/** Connections of this generation now open; read as one number, unlike the pool's active and idle. */
	private final AtomicInteger open = new AtomicInteger();

	BlockingGeneration(ConnectionOpener opener, RedisURI uri, RedisCodec<?, ?> codec, String name,
			PoolDefinition definition, PoolCounters counters) {
		super(counters);
		this.opener = opener;
		this.codec = codec;
		this.uri = uri;
		this.name = name;
		this.definition = definition;
		this.pool = definition.pooled() ? new GenericObjectPool<>(new ConnectionFactory(), config(definition)) : null;
	}

	private static GenericObjectPoolConfig<StatefulConnection<?, ?>> config(PoolDefinition definition) {
		GenericObjectPoolConfig<StatefulConnection<?, ?>> config = new GenericObjectPoolConfig<>();
		config.setMaxTotal(definition.maxTotal());
		config.setMaxIdle(definition.maxTotal());
		config.setMinIdle(0);
		config.setMaxWait(definition.waitTimeout());
		config.setTestOnBorrow(true);
		// The registry reports the pools itself; commons-pool2 would register them all as "pool", "pool1", ...
		config.setJmxEnabled(false);
		return config;
	}

	StatefulConnection<?, ?> sharedConnection() {
		StatefulConnection<?, ?> connection = this.shared;
		if (connection == null) {
			synchronized (this) {
				connection = this.shared;
				if (connection == null) {
					connection = connect();
					this.shared = connection;
				}
			}
		}
		return connection;
	}

	StatefulConnection<?, ?> borrow() {
		long start = System.nanoTime();
		StatefulConnection<?, ?> connection = (this.pool != null) ? borrowPooled() : connect();
		this.counters.acquired(start);
		return connection;
	}

	private StatefulConnection<?, ?> borrowPooled() {
		try {
			return this.pool.borrowObject();
		}
		catch (NoSuchElementException ex) {
			this.counters.timeouts.increment();
			throw new PoolExhaustedException(this.name, this.definition, ex);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not open a connection for Redis pool '" + this.name + "'", ex);
		}
	}

	void giveBack(StatefulConnection<?, ?> connection) {
		if (this.pool == null) {
			destroy(connection);
		}
		else {
			this.pool.returnObject(connection);
		}
	}

	private StatefulConnection<?, ?> connect() {
		StatefulConnection<?, ?> connection = this.opener.open(this.codec, this.uri);
		this.open.incrementAndGet();
		this.counters.created.increment();
		return connection;
	}

	private void destroy(StatefulConnection<?, ?> connection) {
		connection.close();
		this.open.decrementAndGet();
		this.counters.destroyed.increment();
	}

	@Override
	int active() {
		return Math.max(connections() - idle() - ((this.shared != null) ? 1 : 0), 0);
	}

	@Override
	int idle() {
		return (this.pool != null) ? this.pool.getNumIdle() : 0;
	}

	@Override
	int waiting() {
		return (this.pool != null) ? this.pool.getNumWaiters() : 0;
	}

	@Override
	int evictIdle() {
		if (this.pool == null) {
			return 0;
		}
		int idle = this.pool.getNumIdle();
		this.pool.clear();
		return idle;
	}

	/**
	 * Return the shared connection if it is open, without opening it.
	 */
	StatefulConnection<?, ?> openSharedConnection() {
		return this.shared;
	}

	@Override
	int connections() {
		return this.open.get();
	}

	@Override
	void close() {
		if (this.pool != null) {
			this.pool.close();
		}
		StatefulConnection<?, ?> connection = this.shared;
		if (connection != null) {
			this.shared = null;
			destroy(connection);
		}
	}

	private final class ConnectionFactory extends BasePooledObjectFactory<StatefulConnection<?, ?>> {

		@Override
		public StatefulConnection<?, ?> create() {
			return connect();
		}

		@Override
		public PooledObject<StatefulConnection<?, ?>> wrap(StatefulConnection<?, ?> connection) {
			return new DefaultPooledObject<>(connection);
		}

		@Override
		public boolean validateObject(PooledObject<StatefulConnection<?, ?>> pooled) {
			return pooled.getObject().isOpen();
		}

		@Override
		public void destroyObject(PooledObject<StatefulConnection<?, ?>> pooled) {
			destroy(pooled.getObject());
		}

	}

}
