package io.gdnode.pool.connect;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.gdnode.pool.Endpoint;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolNode;
import io.gdnode.pool.PoolTopology;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * How a pool opens its connections, through one {@link Topology} strategy per
 * {@link PoolTopology topology}: to one Redis, to a master and its replicas (listed, discovered or
 * found through Sentinel), or to a Redis Cluster. The pool generations use it without knowing
 * which. Every connection it opens (pooled, pub/sub and health probes) goes through the pool's
 * {@link ConnectGate}, is bounded in time, is named after the pool, and when it fails says which
 * pool, where, and for TLS why.
 */
public final class ConnectionOpener {

	private final String poolName;

	private final Endpoint endpoint;

	private final Duration bound;

	private final ConnectGate gate;

	private final Topology topology;

	/**
	 * @param bound the longest opening a connection may take, handshake included
	 * @param backoff the pause after failed attempts before the pool tries again
	 */
	ConnectionOpener(String poolName, Endpoint endpoint, Duration bound, Delay backoff, Topology topology) {
		this.poolName = poolName;
		this.endpoint = endpoint;
		this.bound = bound;
		this.gate = new ConnectGate(backoff);
		this.topology = topology;
	}

	/**
	 * Create the opener for a definition: the client it owns costs no threads, since the event
	 * loops are shared.
	 * @param definition what the pool connects to
	 * @param uri the URI of every connection: credentials, database, TLS, timeout and client name
	 * @param name the pool name
	 * @param resources the shared event loops
	 * @param options the client options every topology uses
	 */
	public static ConnectionOpener create(PoolDefinition definition, RedisURI uri, String name,
			ClientResources resources, ClientOptions options) {
		ClientOptions withTls = (definition.tls() != null)
				? options.mutate().sslOptions(definition.tls().options()).build() : options;
		PoolTopology topology = definition.topology();
		// Lettuce bounds the TCP connect by the connect timeout but the handshake (TLS, HELLO) by the
		// command timeout; a topology connects to a few servers, one after another.
		Duration connectTimeout = definition.connection().connectTimeout();
		Duration bound = (topology.kind() == PoolTopology.Kind.STANDALONE) ? connectTimeout
				: connectTimeout.multipliedBy(2);
		Topology strategy = switch (topology.kind()) {
			case STANDALONE -> new StandaloneTopology(uri, resources, withTls);
			case REPLICAS, DISCOVERED, SENTINEL -> new MasterReplicaTopology(uri, topology, resources, withTls,
					definition.connection().keepAlive());
			case CLUSTER -> new ClusterTopology(uri, topology, resources, withTls);
		};
		return new ConnectionOpener(name, definition.endpoint(), bound, LettuceOptions.reconnectBackoff(definition.connection()),
				strategy);
	}

	/**
	 * Open a connection, blocking until it is open or the bound has passed.
	 * @throws io.lettuce.core.RedisConnectionException naming the pool and the cause when it could not
	 */
	public <K, V> StatefulConnection<K, V> open(RedisCodec<K, V> codec, RedisURI uri) {
		return await(openAsync(codec, uri));
	}

	/**
	 * Open a connection for a subscription, blocking like {@link #open}; the caller closes it.
	 */
	public <K, V> StatefulRedisPubSubConnection<K, V> openPubSub(RedisCodec<K, V> codec, RedisURI uri) {
		return await(this.gate.connect(() -> bounded(() -> this.topology.connectPubSub(codec, uri))));
	}

	/**
	 * Wait for a connection being opened through {@link #openAsync}, failing as {@link #open} does.
	 */
	public <C> C await(CompletableFuture<C> opening) {
		try {
			return opening.join();
		}
		catch (CompletionException ex) {
			// openAsync has described the failure already.
			RuntimeException described = (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
			if (Thread.currentThread() instanceof FastThreadLocalThread) {
				throw new RedisConnectionException(described.getMessage() + " (opened from event-loop thread "
						+ Thread.currentThread().getName() + ", which the connection may need: call blocking Redis"
						+ " APIs off Lettuce and Reactor event loops)", described);
			}
			throw described;
		}
	}

	/**
	 * Open a connection without blocking, through the pool's {@link ConnectGate}; a failure names
	 * the pool and the cause.
	 */
	public <K, V> CompletableFuture<StatefulConnection<K, V>> openAsync(RedisCodec<K, V> codec, RedisURI uri) {
		return this.gate.connect(() -> bounded(() -> this.topology.connect(codec, uri, false)));
	}

	/**
	 * Return whether Lettuce heals this topology's connections itself, so that the pool replaces a
	 * connection only once it is closed, never because it lost a server or missed a keepalive PING.
	 */
	public boolean healsConnections() {
		return this.topology.healsConnections();
	}

	/**
	 * Return whether a connection must be replaced before its next use. One that lost its server
	 * must: Lettuce would reconnect it in the background and reject every command until then,
	 * while a new one serves callers now, or gives them the connect failure at once. So must one
	 * that does not know servers of its topology found since it opened.
	 */
	public boolean broken(StatefulConnection<?, ?> connection) {
		if (healsConnections() ? isClosed(connection) : !connection.isOpen()) {
			return true;
		}
		return this.topology.outdated(connection);
	}

	/**
	 * Return whether a connection was closed, as opposed to disconnected and reconnecting.
	 */
	public static boolean isClosed(StatefulConnection<?, ?> connection) {
		return ((RedisChannelHandler<?, ?>) connection).isClosed();
	}

	/**
	 * Send a PING on a pool connection of any codec and topology, to learn that it still answers.
	 */
	public static CompletableFuture<?> keepAlivePing(StatefulConnection<?, ?> connection) {
		if (connection instanceof StatefulRedisClusterConnection<?, ?> cluster) {
			return cluster.async().ping().toCompletableFuture();
		}
		return ((StatefulRedisConnection<?, ?>) connection).async().ping().toCompletableFuture();
	}

	/**
	 * Open a connection for a health check: like {@link #openAsync}, except that reads of a pool
	 * that falls back to the master go to replicas only, so the check tells whether replicas answer.
	 */
	public <K, V> CompletableFuture<StatefulConnection<K, V>> openProbe(RedisCodec<K, V> codec, RedisURI uri) {
		return this.gate.connect(() -> bounded(() -> this.topology.connect(codec, uri, true)));
	}

	/**
	 * Send a PING, or a command that tells the same, on a connection opened with a String codec.
	 */
	public CompletableFuture<String> ping(StatefulConnection<?, ?> connection) {
		return this.topology.ping(connection);
	}

	/**
	 * Return the servers the pool talks to, with their roles, as far as known without asking Redis.
	 */
	public List<PoolNode> nodes() {
		return this.topology.nodes();
	}

	/**
	 * Return a Redis Cluster's layout as the pool last read it, without asking Redis: {@code null}
	 * before the first connection, and for other topologies.
	 */
	public Partitions clusterLayout() {
		return this.topology.clusterLayout();
	}

	/**
	 * Close the client and every connection it still has.
	 */
	public void shutdown(Duration timeout) {
		this.topology.shutdown(timeout);
	}

	/**
	 * Connect within the bound, closing a connection that completes after the caller gave up.
	 * A connect whose failure lost Redis's reason is tried once more, for the reason.
	 */
	private <C extends StatefulConnection<?, ?>> CompletableFuture<C> bounded(Supplier<CompletableFuture<C>> connector) {
		CompletableFuture<C> result = new CompletableFuture<>();
		CompletableFuture<C> connecting = attempt(connector)
			.exceptionallyCompose((ex) -> ConnectFailure.lostHandshakeAnswer(ex) ? attempt(connector)
					: CompletableFuture.failedFuture(ex));
		connecting.whenComplete((connection, ex) -> {
			if (ex != null) {
				result.completeExceptionally(failure(ex));
			}
			else if (!result.complete(connection)) {
				connection.closeAsync();
			}
		});
		result.orTimeout(this.bound.toMillis(), TimeUnit.MILLISECONDS);
		return result.exceptionallyCompose((ex) -> CompletableFuture.failedFuture((ex instanceof TimeoutException)
				? failure(new TimeoutException("not connected within " + this.bound.toMillis() + " ms")) : ex));
	}

	private static <C> CompletableFuture<C> attempt(Supplier<CompletableFuture<C>> connector) {
		try {
			return connector.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private PoolConnectException failure(Throwable ex) {
		return ConnectFailure.describe(this.poolName, this.endpoint, ex);
	}

}
