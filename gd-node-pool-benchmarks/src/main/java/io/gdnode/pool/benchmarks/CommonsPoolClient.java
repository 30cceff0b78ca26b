package io.gdnode.pool.benchmarks;

import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.support.ConnectionPoolSupport;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * Raw commons-pool2 with Lettuce, as Lettuce's reference shows it: every command borrows a
 * connection of its own, and closing it gives it back.
 */
final class CommonsPoolClient implements ThroughputClient {

	/** The starter's master pool size, for a like-for-like pool. */
	static final int POOL_SIZE = 10;

	private final ClientResources resources = DefaultClientResources.create();

	private final RedisClient client;

	private final GenericObjectPool<StatefulRedisConnection<String, String>> pool;

	CommonsPoolClient(String url) {
		this.client = RedisClient.create(this.resources, url);
		GenericObjectPoolConfig<StatefulRedisConnection<String, String>> config = new GenericObjectPoolConfig<>();
		config.setMaxTotal(POOL_SIZE);
		config.setMaxIdle(POOL_SIZE);
		this.pool = ConnectionPoolSupport.createGenericObjectPool(() -> this.client.connect(StringCodec.UTF8), config);
	}

	@Override
	public void set(String key, String value) throws Exception {
		try (StatefulRedisConnection<String, String> connection = this.pool.borrowObject()) {
			connection.sync().set(key, value);
		}
	}

	@Override
	public String get(String key) throws Exception {
		try (StatefulRedisConnection<String, String> connection = this.pool.borrowObject()) {
			return connection.sync().get(key);
		}
	}

	@Override
	public void transaction(String key, String value) throws Exception {
		try (StatefulRedisConnection<String, String> connection = this.pool.borrowObject()) {
			RedisCommands<String, String> commands = connection.sync();
			commands.multi();
			commands.incr(key);
			commands.set(key + ":value", value);
			commands.exec();
		}
	}

	@Override
	public String pushAndBlockingPop(String key, String value) throws Exception {
		try (StatefulRedisConnection<String, String> connection = this.pool.borrowObject()) {
			connection.sync().lpush(key, value);
			return connection.sync().blpop(1, key).getValue();
		}
	}

	@Override
	public void close() {
		this.pool.close();
		this.client.shutdown();
		this.resources.shutdown(0, 2, TimeUnit.SECONDS);
	}

}
