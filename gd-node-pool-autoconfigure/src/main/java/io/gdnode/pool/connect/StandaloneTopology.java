package io.gdnode.pool.connect;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.gdnode.pool.PoolNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.protocol.PushHandler;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

/**
 * Opens connections to one Redis.
 */
final class StandaloneTopology implements Topology {

	private final RedisClient client;

	private final String address;

	StandaloneTopology(RedisURI uri, ClientResources resources, ClientOptions options) {
		this.client = new TrackingRedisClient(resources);
		this.client.setOptions(options);
		this.address = uri.getHost() + ":" + uri.getPort();
	}

	@Override
	public <K, V> CompletableFuture<StatefulConnection<K, V>> connect(RedisCodec<K, V> codec, RedisURI uri, boolean probe) {
		return this.client.connectAsync(codec, uri).toCompletableFuture().thenApply((connection) -> connection);
	}

	@Override
	public <K, V> CompletableFuture<StatefulRedisPubSubConnection<K, V>> connectPubSub(RedisCodec<K, V> codec,
			RedisURI uri) {
		return this.client.connectPubSubAsync(codec, uri).toCompletableFuture();
	}

	@Override
	public CompletableFuture<String> ping(StatefulConnection<?, ?> connection) {
		return ((StatefulRedisConnection<?, ?>) connection).async().ping().toCompletableFuture();
	}

	@Override
	public List<PoolNode> nodes() {
		return List.of(new PoolNode(this.address, "standalone"));
	}

	@Override
	public void shutdown(Duration timeout) {
		this.client.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * A client whose connections carry a {@link SessionTracker} in front of their writer.
	 */
	private static final class TrackingRedisClient extends RedisClient {

		TrackingRedisClient(ClientResources resources) {
			super(resources, new RedisURI());
		}

		@Override
		protected <K, V> StatefulRedisConnectionImpl<K, V> newStatefulRedisConnection(RedisChannelWriter writer,
				PushHandler pushHandler, RedisCodec<K, V> codec, Duration timeout) {
			return super.newStatefulRedisConnection(new SessionTracker(writer), pushHandler, codec, timeout);
		}

	}

}
