package io.gdnode.pool.benchmarks;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

/**
 * Raw Lettuce on one connection that every caller thread shares: the fastest way to send plain
 * commands, through its blocking or its async API, and no way at all to send transactions or
 * blocking commands from many threads.
 */
final class LettuceClient implements ThroughputClient {

	private final ClientResources resources = DefaultClientResources.create();

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	private final RedisCommands<String, String> commands;

	private final RedisAsyncCommands<String, String> asyncCommands;

	LettuceClient(String url) {
		this.client = RedisClient.create(this.resources, url);
		this.connection = this.client.connect(StringCodec.UTF8);
		this.commands = this.connection.sync();
		this.asyncCommands = this.connection.async();
	}

	@Override
	public void set(String key, String value) {
		this.commands.set(key, value);
	}

	@Override
	public String get(String key) {
		return this.commands.get(key);
	}

	@Override
	public CompletionStage<?> asyncSetOrGet(String key, String valueOrNull) {
		return (valueOrNull != null) ? this.asyncCommands.set(key, valueOrNull) : this.asyncCommands.get(key);
	}

	@Override
	public void transaction(String key, String value) {
		throw new UnsupportedOperationException("MULTI on a connection shared by many threads mixes their commands");
	}

	@Override
	public String pushAndBlockingPop(String key, String value) {
		throw new UnsupportedOperationException("BLPOP on a shared connection stalls every thread");
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
		this.resources.shutdown(0, 2, TimeUnit.SECONDS);
	}

}
