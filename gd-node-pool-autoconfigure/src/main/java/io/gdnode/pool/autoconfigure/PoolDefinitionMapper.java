package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import io.gdnode.pool.ConnectionSettings;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolTls;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolType;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * Maps {@link RedisPoolPropertiesValidator validated} {@link RedisPoolProperties} to the pool
 * definition of each role: URL fall-backs, topology, TLS, sizes, timeouts and client name. The
 * application's Spring Boot Redis connection ({@link SpringDataRedisSettings}) is the default
 * endpoint of the master, slave and async roles; {@code redis.*} settings win over it.
 */
final class PoolDefinitionMapper {

	private static final String DEFAULT_CLIENT_NAME = "gd-node";

	private final RedisPoolProperties properties;

	private final RoleUrls urls;

	private final SpringDataRedisSettings springDataRedis;

	private final UnaryOperator<ClientOptions> clientOptionsCustomizer;

	/**
	 * Create a mapper whose pools get client options changed by the given customizer last.
	 * @param properties the validated properties
	 * @param springDataRedis the application's Spring Boot Redis connection
	 * @param clientOptionsCustomizer applied to the client options of every pool, last
	 */
	PoolDefinitionMapper(RedisPoolProperties properties, SpringDataRedisSettings springDataRedis,
			UnaryOperator<ClientOptions> clientOptionsCustomizer) {
		this.properties = properties;
		this.urls = new RoleUrls(properties);
		this.springDataRedis = springDataRedis;
		this.clientOptionsCustomizer = clientOptionsCustomizer;
	}

	/**
	 * Return the pool definition of a role, with fall-backs applied: the slave and async roles
	 * connect to the master, the master to {@code redis.url}, then to the application's Spring
	 * Boot Redis connection, then to the loopback Redis; the local role to its own URL. A slave
	 * whose URLs name servers other than the master reads from them as replicas of the master,
	 * with the credentials of its first URL.
	 * @param role the role
	 * @param applicationName the name of the application, used when no client name is set
	 * @param sslBundles the application's SSL bundles, or {@code null} when it has none
	 * @return the definition of the role's pool
	 */
	PoolDefinition definition(ConfiguredRole role, String applicationName, SslBundles sslBundles) {
		boolean application = usesSpringDataRedis(role);
		PoolTls tls = tls(role, sslBundles);
		if (tls == null && application) {
			tls = this.springDataRedis.tls();
		}
		RedisURI.Builder uri = RedisURI.builder(uri(role))
			.withTimeout(commandTimeout())
			.withClientName(clientName(applicationName));
		if (tls != null) {
			uri.withSsl(true);
		}
		PoolTopology topology = topology(role, application);
		RedisPoolProperties.Timeout timeout = this.properties.getTimeout();
		if (role == ConfiguredRole.ASYNC) {
			RedisPoolProperties.AsyncPool pool = this.properties.getAsync().getPool();
			return new PoolDefinition(role.poolRole(), role.poolType(), uri.build(), connection(), pool.isEnabled(),
					pool.getMax(), pool.getMin(), timeout.getWait(), topology, tls);
		}
		RedisPoolProperties.Pool pool = pool(role);
		return new PoolDefinition(role.poolRole(), role.poolType(), uri.build(), connection(), pool.isEnabled(), pool.getSize(),
				0, timeout.getWait(), topology, tls);
	}

	/**
	 * Return whether a role takes its endpoint from the application's Spring Boot Redis
	 * connection: the master, slave and async roles do when no {@code redis.*} setting names
	 * their server (their URL, the master's or {@code redis.url}, Sentinel or Cluster).
	 */
	boolean usesSpringDataRedis(ConfiguredRole role) {
		if (!this.springDataRedis.isPresent() || role == ConfiguredRole.LOCAL || !this.urls.configured(role).isEmpty()) {
			return false;
		}
		if (role != ConfiguredRole.MASTER) {
			return usesSpringDataRedis(ConfiguredRole.MASTER);
		}
		return this.properties.getUrl() == null && this.properties.getSentinel().getNodes().isEmpty()
				&& this.properties.getCluster().getNodes().isEmpty();
	}

	/**
	 * Return the command timeout of every role: {@code redis.timeout.command} when set, else
	 * {@code spring.data.redis.timeout} when set, else the former's default.
	 */
	private Duration commandTimeout() {
		return this.springDataRedis.commandTimeout(this.properties.getTimeout().getCommand());
	}

	/**
	 * Return the servers of a role beyond its URI's, and where its reads go.
	 */
	PoolTopology topology(ConfiguredRole role) {
		return topology(role, usesSpringDataRedis(role));
	}

	private PoolTopology topology(ConfiguredRole role, boolean application) {
		RedisPoolProperties p = this.properties;
		if (role == ConfiguredRole.LOCAL) {
			return PoolTopology.STANDALONE;
		}
		PoolTopology.Reads reads = (role != ConfiguredRole.SLAVE) ? PoolTopology.Reads.MASTER
				: (p.getSlave().getFallback() == RedisPoolProperties.Fallback.NONE) ? PoolTopology.Reads.REPLICAS
						: PoolTopology.Reads.REPLICAS_THEN_MASTER;
		if (!p.getSentinel().getNodes().isEmpty()) {
			String password = p.getSentinel().getPassword();
			return PoolTopology.sentinel(p.getSentinel().getMaster().trim(),
					RoleUrls.trimmed(p.getSentinel().getNodes()),
					StringUtils.hasText(password) ? password.toCharArray() : null, reads);
		}
		if (!p.getCluster().getNodes().isEmpty()) {
			return PoolTopology.cluster(RoleUrls.trimmed(p.getCluster().getNodes()), reads,
					p.getCluster().getRefreshPeriod());
		}
		PoolTopology boots = application ? this.springDataRedis.topology(reads, p.getCluster().getRefreshPeriod())
				: null;
		if (boots != null) {
			return boots;
		}
		if (role != ConfiguredRole.SLAVE) {
			return PoolTopology.STANDALONE;
		}
		String master = hostAndPort(uri(ConfiguredRole.MASTER));
		if (p.getSlave().isDiscovery()) {
			return PoolTopology.discovered(master, reads);
		}
		List<String> replicas = this.urls.configured(ConfiguredRole.SLAVE)
			.stream()
			.map((url) -> hostAndPort(RedisURI.create(url)))
			.filter((replica) -> !replica.equals(master))
			.toList();
		return replicas.isEmpty() ? PoolTopology.STANDALONE : PoolTopology.replicas(master, replicas, reads);
	}

	private static String hostAndPort(RedisURI uri) {
		return uri.getHost() + ":" + uri.getPort();
	}

	/**
	 * Return the TLS material of a role from its SSL bundle, or the common one, or {@code null}
	 * when neither is set; the validator has made sure the bundle exists.
	 */
	private PoolTls tls(ConfiguredRole role, SslBundles sslBundles) {
		String name = RedisPoolPropertiesValidator.sslBundle(this.properties, role);
		return (name != null) ? new PoolTls(name, SslBundleOptions.of(sslBundles.getBundle(name))) : null;
	}

	private ConnectionSettings connection() {
		RedisPoolProperties.Timeout timeout = this.properties.getTimeout();
		return new ConnectionSettings(this.springDataRedis.connectTimeout(timeout.getConnect()),
				commandTimeout(), timeout.getKeepalive(),
				this.properties.getClient().getQueue(), timeout.getReconnect(), this.clientOptionsCustomizer);
	}

	/**
	 * Return the URI of a role before timeouts, client name and TLS are applied.
	 */
	RedisURI uri(ConfiguredRole role) {
		return usesSpringDataRedis(role) ? this.springDataRedis.uri() : RedisURI.create(this.urls.resolved(role));
	}

	private RedisPoolProperties.Pool pool(ConfiguredRole role) {
		return switch (role) {
			case MASTER -> this.properties.getMaster().getPool();
			case SLAVE -> this.properties.getSlave().getPool();
			case LOCAL -> this.properties.getLocal().getPool();
			case ASYNC -> throw new IllegalArgumentException("The async pool has no sync pool settings");
		};
	}

	private String clientName(String applicationName) {
		String name = this.springDataRedis.clientName(this.properties.getClient().getName());
		if (name == null || name.isBlank()) {
			name = (applicationName != null && !applicationName.isBlank()) ? applicationName : DEFAULT_CLIENT_NAME;
		}
		// CLIENT SETNAME refuses spaces.
		return name.trim().replaceAll("\\s+", "-");
	}

}
