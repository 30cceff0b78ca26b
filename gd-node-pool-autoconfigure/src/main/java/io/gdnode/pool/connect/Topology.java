package io.gdnode.pool.connect;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.gdnode.pool.PoolNode;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * How connections of one topology are opened and checked, with the Lettuce client that opens them:
 * one Redis, a master and its replicas, or a Redis Cluster. The {@link ConnectionOpener} that holds
 * it bounds, gates and describes every attempt.
 */
interface Topology {

	/**
	 * Open a connection.
	 * @param probe whether the connection is for a health check (reads then never fall back to the master)
	 */
	<K, V> CompletableFuture<StatefulConnection<K, V>> connect(RedisCodec<K, V> codec, RedisURI uri, boolean probe);

	/**
	 * Open a connection for a subscription, which the caller closes.
	 */
	<K, V> CompletableFuture<StatefulRedisPubSubConnection<K, V>> connectPubSub(RedisCodec<K, V> codec, RedisURI uri);

	/**
	 * Send a PING, or a command that tells the same, on a connection of this topology opened with
	 * a String codec, as the health checks' connections are.
	 */
	CompletableFuture<String> ping(StatefulConnection<?, ?> connection);

	/**
	 * Return the servers the pool talks to, with their roles, as far as known without asking Redis.
	 */
	List<PoolNode> nodes();

	/**
	 * Return a Redis Cluster's layout as the pool's cluster client last read it, without asking
	 * Redis: {@code null} before it was read, and for other topologies.
	 */
	default Partitions clusterLayout() {
		return null;
	}

	/**
	 * Return whether Lettuce heals this topology's connections itself, so that the pool replaces a
	 * connection only once it is closed, never because it lost a server or missed a keepalive PING.
	 */
	default boolean healsConnections() {
		return false;
	}

	/**
	 * Return whether an open connection must still be replaced before its next use, because it
	 * does not know servers of the topology found since it opened.
	 */
	default boolean outdated(StatefulConnection<?, ?> connection) {
		return false;
	}

	/**
	 * Close the client and every connection it still has.
	 */
	void shutdown(Duration timeout);

	/**
	 * Return the URI of another server of the topology: the same credentials, database, TLS,
	 * timeout and client name, at the given {@code host:port}.
	 */
	static RedisURI at(RedisURI uri, String address) {
		RedisURI parsed = RedisURI.create("redis://" + address);
		return RedisURI.builder(uri).withHost(parsed.getHost()).withPort(parsed.getPort()).build();
	}

}
