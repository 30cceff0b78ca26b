package io.gdnode.pool;

import java.time.Duration;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;

import org.springframework.util.Assert;

/**
 * What a client asks the registry for: a role, a type, where to connect and
 * how big the pool may grow.
 *
 * @param role the role of the pool
 * @param type how the pool hands out connections
 * @param uri where to connect, with credentials, database, TLS, client name and command timeout
 * @param connection timeouts, keepalive, request queue and reconnect backoff of its connections
 * @param pooled whether dedicated connections are pooled; when not, each one is opened and closed per use
 * @param maxTotal the most dedicated connections the pool holds at once
 * @param minIdle the connections the pool keeps open once created (async pools only)
 * @param waitTimeout how long a caller may wait for a connection of a full pool
 * @param topology the servers beyond the URI's and where reads go; {@link PoolTopology#STANDALONE} for one Redis
 * @param tls trust and key material for TLS, or {@code null} for the JDK's defaults
 */
public record PoolDefinition(PoolRole role, PoolType type, RedisURI uri, ConnectionSettings connection, boolean pooled,
		int maxTotal, int minIdle, Duration waitTimeout, PoolTopology topology, PoolTls tls) {

	/**
	 * Define a pool of one Redis, with the JDK's TLS defaults.
	 */
	public PoolDefinition(PoolRole role, PoolType type, RedisURI uri, ConnectionSettings connection, boolean pooled,
			int maxTotal, int minIdle, Duration waitTimeout) {
		this(role, type, uri, connection, pooled, maxTotal, minIdle, waitTimeout, PoolTopology.STANDALONE, null);
	}

	public PoolDefinition {
		Assert.notNull(role, "'role' must not be null");
		Assert.notNull(type, "'type' must not be null");
		Assert.notNull(uri, "'uri' must not be null");
		Assert.notNull(connection, "'connection' must not be null");
		Assert.isTrue(maxTotal > 0, "'maxTotal' must be positive");
		Assert.isTrue(minIdle >= 0 && minIdle <= maxTotal, "'minIdle' must be between 0 and 'maxTotal'");
		Assert.isTrue(!waitTimeout.isNegative() && !waitTimeout.isZero(), "'waitTimeout' must be positive");
		Assert.notNull(topology, "'topology' must not be null");
	}

	/**
	 * Return the user and password of the URI. Lettuce 7 no longer has {@code RedisURI.getUsername()}
	 * and {@code getPassword()}; its credentials provider is what both supported Lettuce lines share.
	 * @return the credentials, with a {@code null} user and password where the URI has none
	 */
	public RedisCredentials credentials() {
		return credentials(this.uri);
	}

	/**
	 * Return the user and password of a URI, read as {@link #credentials()} reads them.
	 * @param uri the URI
	 * @return the credentials, with a {@code null} user and password where the URI has none
	 */
	public static RedisCredentials credentials(RedisURI uri) {
		RedisCredentialsProvider provider = uri.getCredentialsProvider();
		RedisCredentials credentials = (provider instanceof RedisCredentialsProvider.ImmediateRedisCredentialsProvider immediate)
				? immediate.resolveCredentialsNow() : provider.resolveCredentials().block();
		return (credentials != null) ? credentials : RedisCredentials.just(null, (char[]) null);
	}

	/**
	 * Return where the pool connects, without a password.
	 * @return the endpoint
	 */
	public Endpoint endpoint() {
		return Endpoint.of(this);
	}

}
