package io.gdnode.pool.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

import io.gdnode.pool.ConnectionSettings;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolRole;
import io.gdnode.pool.PoolTls;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolType;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * The one place that checks {@link RedisPoolProperties} and turns them into the registry's
 * {@link PoolDefinition pool definitions}: URL fall-backs, sizes, timeouts and client names. The
 * application's Spring Boot Redis connection ({@link SpringDataRedisSettings}) is the default
 * endpoint of the master, slave and async roles; {@code redis.*} settings win over it.
 */
final class RedisPoolSettings {

	/** Where the local role connects, and the master when no URL is set at all. */
	static final String LOOPBACK_URL = "redis://localhost:6379";

	private static final String DEFAULT_CLIENT_NAME = "gd-node";

	private final RedisPoolProperties properties;

	private final RedisTopologySettings topologies;

	private final SpringDataRedisSettings springDataRedis;

	private final UnaryOperator<ClientOptions> clientOptionsCustomizer;

	RedisPoolSettings(RedisPoolProperties properties) {
		this(properties, SpringDataRedisSettings.NONE);
	}

	RedisPoolSettings(RedisPoolProperties properties, SpringDataRedisSettings springDataRedis) {
		this(properties, springDataRedis, UnaryOperator.identity());
	}

	/**
	 * Create settings whose pools get client options changed by the given customizer last.
	 */
	RedisPoolSettings(RedisPoolProperties properties, SpringDataRedisSettings springDataRedis,
			UnaryOperator<ClientOptions> clientOptionsCustomizer) {
		this.properties = properties;
		this.topologies = new RedisTopologySettings(properties);
		this.springDataRedis = springDataRedis;
		this.clientOptionsCustomizer = clientOptionsCustomizer;
	}

	/**
	 * Fail with an {@link InvalidRedisPropertyException} on the first value that is not allowed.
	 */
	void validate() {
		RedisPoolProperties p = this.properties;
		single("redis.url", p.getUrl());
		uri("redis.url", p.getUrl());
		for (PoolRole role : PoolRole.values()) {
			if (role != PoolRole.SLAVE) {
				single("redis." + role.id() + ".url", url(role));
			}
			for (String url : RedisTopologySettings.urls(url(role))) {
				uri("redis." + role.id() + ".url", url);
			}
		}
		this.topologies.validate();
		for (PoolRole role : new PoolRole[] { PoolRole.MASTER, PoolRole.SLAVE, PoolRole.ASYNC }) {
			this.topologies.validateClusterDatabase("redis." + role.id() + ".url", RedisURI.create(resolvedUrl(role)));
		}
		atLeast("redis.master.pool.size", p.getMaster().getPool().getSize(), 1);
		atLeast("redis.slave.pool.size", p.getSlave().getPool().getSize(), 1);
		atLeast("redis.local.pool.size", p.getLocal().getPool().getSize(), 1);
		atLeast("redis.async.pool.max", p.getAsync().getPool().getMax(), 1);
		atLeast("redis.async.pool.min", p.getAsync().getPool().getMin(), 0);
		if (p.getAsync().getPool().getMin() > p.getAsync().getPool().getMax()) {
			throw new InvalidRedisPropertyException("redis.async.pool.min", p.getAsync().getPool().getMin(),
					"a whole number from 0 to redis.async.pool.max (" + p.getAsync().getPool().getMax() + ")");
		}
		positive("redis.timeout.idle", p.getTimeout().getIdle());
		positive("redis.timeout.wait", p.getTimeout().getWait());
		positive("redis.timeout.command", p.getTimeout().getCommand());
		positive("redis.timeout.connect", p.getTimeout().getConnect());
		positive("redis.timeout.keepalive", p.getTimeout().getKeepalive());
		positive("redis.timeout.reconnect", p.getTimeout().getReconnect());
		atLeast("redis.client.queue", p.getClient().getQueue(), 1);
		positive("redis.cleanup.interval", p.getCleanup().getInterval());
		positive("redis.health.timeout", p.getHealth().getTimeout());
		if (p.getLeak().getThreshold() == null || p.getLeak().getThreshold().isNegative()) {
			throw new InvalidRedisPropertyException("redis.leak.threshold", p.getLeak().getThreshold(),
					allowedValues("redis.leak.threshold"));
		}
	}

	private static void atLeast(String property, int value, int min) {
		if (value < min) {
			throw new InvalidRedisPropertyException(property, value, allowedValues(property));
		}
	}

	private static void positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidRedisPropertyException(property, value, allowedValues(property));
		}
	}

	/**
	 * Refuse a list where one URL is expected, which would otherwise connect to its first URL alone.
	 */
	private static void single(String property, String url) {
		if (RedisTopologySettings.urls(url).size() > 1) {
			throw new InvalidRedisPropertyException(property, url,
					"a single Redis URL: redis://[user:password@]host[:port][/database], or rediss:// for TLS"
							+ " (only REDIS_SLAVE_URL, redis.slave.url, takes a comma-separated list)");
		}
	}

	private static void uri(String property, String url) {
		if (url == null) {
			return;
		}
		try {
			// java.net.URI has no host for "host:port" authorities that Lettuce would quietly accept.
			URI parsed = new URI(url);
			String scheme = (parsed.getScheme() != null) ? parsed.getScheme().toLowerCase(Locale.ROOT) : "";
			if (!(scheme.equals("redis") || scheme.equals("rediss")) || parsed.getHost() == null) {
				throw new InvalidRedisPropertyException(property, url, allowedValues(property));
			}
			RedisURI.create(url);
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			throw new InvalidRedisPropertyException(property, url, allowedValues(property), ex);
		}
	}

	/**
	 * Return what a property allows, in words, for error messages.
	 * @param property a {@code redis.*} property name
	 * @return the allowed values
	 */
	static String allowedValues(String property) {
		String topology = RedisTopologySettings.allowedValues(property);
		if (topology != null) {
			return topology;
		}
		if (property.endsWith(".url")) {
			return "a Redis URL: redis://[user:password@]host[:port][/database], or rediss:// for TLS";
		}
		if (property.endsWith(".enabled") || property.equals("redis.shared")) {
			return "true, false, 1 or 0";
		}
		if (property.endsWith(".min")) {
			return "a whole number from 0 to redis.async.pool.max";
		}
		if (property.endsWith(".size") || property.endsWith(".max") || property.equals("redis.client.queue")) {
			return "a whole number from 1 to 2147483647";
		}
		if (property.equals("redis.leak.threshold")) {
			return "a duration such as 30s, or 0 to turn leak detection off";
		}
		if (property.equals("redis.health.required")) {
			return "a comma-separated list of master, slave, local and async";
		}
		if (property.startsWith("redis.timeout.") || property.startsWith("redis.cleanup.")
				|| property.equals("redis.health.timeout")) {
			return "a positive duration such as 500ms, 5s or 5m";
		}
		return "a value of the documented form";
	}

	/**
	 * Return the environment variable that sets a property: {@code redis.master.pool.size} is
	 * {@code REDIS_MASTER_POOL_SIZE}.
	 */
	static String environmentVariable(String property) {
		return property.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
	}

	/**
	 * Return the pool definition of a role, with fall-backs applied: the slave and async roles
	 * connect to the master, the master to {@code redis.url}, then to the application's Spring
	 * Boot Redis connection, then to the loopback Redis, which the local role uses too. A slave
	 * whose URLs name servers other than the master reads from them as replicas of the master,
	 * with the credentials of its first URL.
	 * @param role the role
	 * @param applicationName the name of the application, used when no client name is set
	 * @param sslBundles the application's SSL bundles, or {@code null} when it has none
	 * @return the definition of the role's pool
	 */
	PoolDefinition definition(PoolRole role, String applicationName, SslBundles sslBundles) {
		RedisPoolProperties p = this.properties;
		RedisURI configured = uri(role);
		RedisURI masterUri = uri(PoolRole.MASTER);
		String master = masterUri.getHost() + ":" + masterUri.getPort();
		List<String> replicas = (role != PoolRole.SLAVE) ? List.of()
				: RedisTopologySettings.urls(url(role)).stream()
					.map(RedisURI::create)
					.map((replica) -> replica.getHost() + ":" + replica.getPort())
					.filter((replica) -> !replica.equals(master))
					.toList();
		boolean application = usesSpringDataRedis(role);
		PoolTopology topology = this.topologies.topology(role, master, replicas,
				application ? this.springDataRedis : null);
		PoolTls tls = this.topologies.tls(role, sslBundles);
		if (tls == null && application) {
			tls = this.springDataRedis.tls();
		}
		RedisURI.Builder uri = RedisURI.builder(configured)
			.withTimeout(this.springDataRedis.commandTimeout(p.getTimeout().getCommand()))
			.withClientName(clientName(applicationName));
		if (tls != null) {
			uri.withSsl(true);
		}
		if (role == PoolRole.ASYNC) {
			RedisPoolProperties.AsyncPool pool = p.getAsync().getPool();
			return new PoolDefinition(role, PoolType.ASYNC, uri.build(), connection(), pool.isEnabled(),
					pool.getMax(), pool.getMin(), p.getTimeout().getWait(), topology, tls);
		}
		RedisPoolProperties.Pool pool = role(role).getPool();
		return new PoolDefinition(role, PoolType.SYNC, uri.build(), connection(), pool.isEnabled(),
				pool.getSize(), 0, p.getTimeout().getWait(), topology, tls);
	}

	/**
	 * Return whether a role takes its endpoint from the application's Spring Boot Redis
	 * connection: the master, slave and async roles do when no {@code redis.*} setting names
	 * their server (their URL, the master's or {@code redis.url}, Sentinel or Cluster).
	 */
	boolean usesSpringDataRedis(PoolRole role) {
		if (!this.springDataRedis.isPresent() || role == PoolRole.LOCAL
				|| !RedisTopologySettings.urls(url(role)).isEmpty()) {
			return false;
		}
		if (role != PoolRole.MASTER) {
			return usesSpringDataRedis(PoolRole.MASTER);
		}
		return this.properties.getUrl() == null && this.properties.getSentinel().getNodes().isEmpty()
				&& this.properties.getCluster().getNodes().isEmpty();
	}

	/**
	 * Return what start-up should warn about: the master's {@code redis.*} endpoint and the
	 * application's Spring Boot Redis connection both set and naming different servers, or a
	 * setting of the latter that the roles cannot apply.
	 */
	List<String> warnings() {
		List<String> warnings = new ArrayList<>();
		String conflict = endpointConflict();
		if (conflict != null) {
			warnings.add(conflict);
		}
		if (usesSpringDataRedis(PoolRole.MASTER) && this.springDataRedis.sentinelUsername() != null) {
			warnings.add("spring.data.redis.sentinel.username is not supported: the sentinels are asked with "
					+ "spring.data.redis.sentinel.password alone. Give the sentinels' default user that password.");
		}
		return warnings;
	}

	private String endpointConflict() {
		if (!this.springDataRedis.isConfigured() || usesSpringDataRedis(PoolRole.MASTER)) {
			return null;
		}
		Endpoint starters = masterEndpoint();
		Endpoint boots = this.springDataRedis.endpoint();
		if (starters.address().equals(boots.address())) {
			return null;
		}
		String setting = environmentVariable(masterEndpointProperty()) + " (" + masterEndpointProperty() + ")";
		return "Two Redis endpoints are set: " + setting + " names " + starters.shown() + ", and the application's "
				+ "Spring Boot Redis connection (spring.data.redis.*, or a DataRedisConnectionDetails bean such as a "
				+ "Testcontainers @ServiceConnection) names " + boots.shown() + ". The master role, and the slave and "
				+ "async roles without a URL of their own, use " + setting + ". Remove one of the two, or make both "
				+ "name the same Redis.";
	}

	private String masterEndpointProperty() {
		RedisPoolProperties p = this.properties;
		if (!p.getSentinel().getNodes().isEmpty()) {
			return "redis.sentinel.nodes";
		}
		if (!p.getCluster().getNodes().isEmpty()) {
			return "redis.cluster.nodes";
		}
		return RedisTopologySettings.urls(p.getMaster().getUrl()).isEmpty() ? "redis.url" : "redis.master.url";
	}

	private Endpoint masterEndpoint() {
		RedisPoolProperties p = this.properties;
		String url = resolvedUrl(PoolRole.MASTER);
		RedisURI uri = RedisURI.create(url);
		String scheme = uri.isSsl() ? "rediss" : "redis";
		String credentials = Endpoint.credentials(URI.create(url).getRawUserInfo());
		if (!p.getSentinel().getNodes().isEmpty()) {
			String nodes = String.join(",", RedisTopologySettings.trimmed(p.getSentinel().getNodes()));
			String name = p.getSentinel().getMaster().trim();
			return new Endpoint("sentinel " + name + " " + nodes + "/" + uri.getDatabase(),
					scheme + "-sentinel://" + credentials + nodes + "/" + uri.getDatabase() + "#" + name);
		}
		if (!p.getCluster().getNodes().isEmpty()) {
			String nodes = String.join(",", RedisTopologySettings.trimmed(p.getCluster().getNodes()));
			return new Endpoint("cluster " + nodes, scheme + "://" + credentials + nodes + " (cluster)");
		}
		String address = uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
		return new Endpoint(address, scheme + "://" + credentials + address);
	}

	private ConnectionSettings connection() {
		RedisPoolProperties.Timeout timeout = this.properties.getTimeout();
		return new ConnectionSettings(this.springDataRedis.connectTimeout(timeout.getConnect()),
				this.springDataRedis.commandTimeout(timeout.getCommand()), timeout.getKeepalive(),
				this.properties.getClient().getQueue(), timeout.getReconnect(), this.clientOptionsCustomizer);
	}

	private RedisURI uri(PoolRole role) {
		return usesSpringDataRedis(role) ? this.springDataRedis.uri() : RedisURI.create(resolvedUrl(role));
	}

	private String resolvedUrl(PoolRole role) {
		List<String> urls = RedisTopologySettings.urls(url(role));
		if (!urls.isEmpty()) {
			return urls.get(0);
		}
		return switch (role) {
			case MASTER -> (this.properties.getUrl() != null) ? this.properties.getUrl() : LOOPBACK_URL;
			case SLAVE, ASYNC -> resolvedUrl(PoolRole.MASTER);
			case LOCAL -> LOOPBACK_URL;
		};
	}

	private String url(PoolRole role) {
		return (role == PoolRole.ASYNC) ? this.properties.getAsync().getUrl() : role(role).getUrl();
	}

	private RedisPoolProperties.Role role(PoolRole role) {
		return switch (role) {
			case MASTER -> this.properties.getMaster();
			case SLAVE -> this.properties.getSlave();
			case LOCAL -> this.properties.getLocal();
			case ASYNC -> throw new IllegalArgumentException("The async pool has no sync role settings");
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

	/**
	 * Where a role connects, as a short text to compare and as a URL to show with the password masked.
	 *
	 * @param address the servers, database and kind of topology, without credentials or scheme
	 * @param shown the endpoint as a URL, with {@code ****} for the password
	 */
	record Endpoint(String address, String shown) {

		/**
		 * Return {@code user:****@}, {@code ****@} or nothing, for a URL's user information.
		 */
		static String credentials(String userInfo) {
			if (userInfo == null) {
				return "";
			}
			int colon = userInfo.indexOf(':');
			// Lettuce reads user information without a colon as a password.
			return (colon >= 0) ? credentials(userInfo.substring(0, colon), true) : credentials(null, true);
		}

		/**
		 * Return {@code user:****@}, {@code ****@}, {@code user@} or nothing.
		 */
		static String credentials(String username, boolean password) {
			String user = StringUtils.hasLength(username) ? username : "";
			if (!password) {
				return user.isEmpty() ? "" : user + "@";
			}
			return user.isEmpty() ? "****@" : user + ":****@";
		}

	}

}
