package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * How a pool opens its connections, one strategy per {@link PoolTopology topology}: to one Redis,
 * to a master and its replicas (listed, discovered or found through Sentinel), or to a Redis
 * Cluster. The pool generations use it without knowing which; every connection it opens is named
 * after the pool, and a failure to connect says which pool, where, and for TLS why.
 */
abstract class ConnectionOpener {

	private final String poolName;

	private final String location;

	private final Duration bound;

	private final ConnectGate gate;

	/**
	 * @param bound the longest opening a connection may take, handshake included
	 * @param backoff the pause after failed attempts before the pool tries again
	 */
	ConnectionOpener(String poolName, String location, Duration bound, Delay backoff) {
		this.poolName = poolName;
		this.location = location;
		this.bound = bound;
		this.gate = new ConnectGate(backoff);
	}

	/**
	 * Create the opener for a definition: the client it owns costs no threads, since the event
	 * loops are shared.
	 * @param definition what the pool connects to
	 * @param uri the URI of every connection: credentials, database, TLS, timeout and client name
	 * @param name the pool name
	 * @param location where the pool connects, without a password
	 * @param resources the shared event loops
	 * @param options the client options every topology uses
	 */
	static ConnectionOpener create(PoolDefinition definition, RedisURI uri, String name, String location,
			ClientResources resources, ClientOptions options) {
		ClientOptions withTls = (definition.tls() != null)
				? options.mutate().sslOptions(definition.tls().options()).build() : options;
		PoolTopology topology = definition.topology();
		// Lettuce bounds the TCP connect by the connect timeout but the handshake (TLS, HELLO) by the
		// command timeout; a topology connects to a few servers, one after another.
		Duration connectTimeout = definition.connection().connectTimeout();
		Duration bound = (topology.kind() == PoolTopology.Kind.STANDALONE) ? connectTimeout
				: connectTimeout.multipliedBy(2);
		Delay backoff = definition.connection().reconnectBackoff();
		return switch (topology.kind()) {
			case STANDALONE -> new StandaloneOpener(uri, name, location, bound, backoff, resources, withTls);
			case REPLICAS, DISCOVERED, SENTINEL -> new MasterReplicaOpener(uri, topology, name, location, bound,
					backoff, resources, withTls, definition.connection().keepAlive());
			case CLUSTER -> new ClusterOpener(uri, topology, name, location, bound, backoff, resources, withTls);
		};
	}

	/**
	 * Open a connection, blocking until it is open or the bound has passed.
	 * @throws io.lettuce.core.RedisConnectionException naming the pool and the cause when it could not
	 */
	final <K, V> StatefulConnection<K, V> open(RedisCodec<K, V> codec, RedisURI uri) {
		try {
			return openAsync(codec, uri).join();
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
	final <K, V> CompletableFuture<StatefulConnection<K, V>> openAsync(RedisCodec<K, V> codec, RedisURI uri) {
		return this.gate.connect(() -> bounded(codec, uri, false));
	}

	/**
	 * Return whether Lettuce heals this topology's connections itself, so that the pool replaces a
	 * connection only once it is closed, never because it lost a server or missed a keepalive PING.
	 */
	boolean healsConnections() {
		return false;
	}

	/**
	 * Return whether a connection must be replaced before its next use. One that lost its server
	 * must: Lettuce would reconnect it in the background and reject every command until then,
	 * while a new one serves callers now, or gives them the connect failure at once.
	 */
	boolean broken(StatefulConnection<?, ?> connection) {
		return healsConnections() ? isClosed(connection) : !connection.isOpen();
	}

	/**
	 * Return whether a connection was closed, as opposed to disconnected and reconnecting.
	 */
	static boolean isClosed(StatefulConnection<?, ?> connection) {
		return ((RedisChannelHandler<?, ?>) connection).isClosed();
	}

	/**
	 * Send a PING on a pool connection of any codec and topology, to learn that it still answers.
	 */
	static CompletableFuture<?> keepAlivePing(StatefulConnection<?, ?> connection) {
		if (connection instanceof StatefulRedisClusterConnection<?, ?> cluster) {
			return cluster.async().ping().toCompletableFuture();
		}
		return ((StatefulRedisConnection<?, ?>) connection).async().ping().toCompletableFuture();
	}

	/**
	 * Open a connection for a health check: like {@link #openAsync}, except that reads of a pool
	 * that falls back to the master go to replicas only, so the check tells whether replicas answer.
	 */
	final <K, V> CompletableFuture<StatefulConnection<K, V>> openProbe(RedisCodec<K, V> codec, RedisURI uri) {
		return bounded(codec, uri, true);
	}

	/**
	 * Connect within the bound, closing a connection that completes after the caller gave up.
	 * A connect whose failure lost Redis's reason is tried once more, for the reason.
	 */
	private <K, V> CompletableFuture<StatefulConnection<K, V>> bounded(RedisCodec<K, V> codec, RedisURI uri,
			boolean probe) {
		CompletableFuture<StatefulConnection<K, V>> result = new CompletableFuture<>();
		CompletableFuture<StatefulConnection<K, V>> connecting = attempt(codec, uri, probe)
			.exceptionallyCompose((ex) -> ConnectFailure.lostHandshakeAnswer(ex) ? attempt(codec, uri, probe)
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

	private <K, V> CompletableFuture<StatefulConnection<K, V>> attempt(RedisCodec<K, V> codec, RedisURI uri,
			boolean probe) {
		try {
			return connect(codec, uri, probe);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Return the URI of another server of the topology: the same credentials, database, TLS,
	 * timeout and client name, at the given {@code host:port}.
	 */
	static RedisURI at(RedisURI uri, String address) {
		RedisURI parsed = RedisURI.create("redis://" + address);
		return RedisURI.builder(uri).withHost(parsed.getHost()).withPort(parsed.getPort()).build();
	}

	private RuntimeException failure(Throwable ex) {
		return ConnectFailure.describe(this.poolName, this.location, ex);
	}

	/**
	 * Open a connection of the topology.
	 * @param probe whether the connection is for a health check
	 */
	abstract <K, V> CompletableFuture<StatefulConnection<K, V>> connect(RedisCodec<K, V> codec, RedisURI uri,
			boolean probe);

	/**
	 * Open a connection for a subscription, which the caller closes.
	 */
	abstract StatefulRedisPubSubConnection<?, ?> openPubSub(RedisCodec<?, ?> codec, RedisURI uri);

	/**
	 * Send a PING, or a command that tells the same, on a connection of this topology opened with
	 * a String codec, as the health checks' connections are.
	 */
	abstract CompletableFuture<String> ping(StatefulConnection<?, ?> connection);

	/**
	 * Return the servers the pool talks to, with their roles, as far as known without asking Redis.
	 */
	abstract List<PoolNode> nodes();

	/**
	 * Close the client and every connection it still has.
	 */
	abstract void shutdown(Duration timeout);

}
