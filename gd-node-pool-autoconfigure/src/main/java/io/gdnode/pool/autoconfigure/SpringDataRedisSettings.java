package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.gdnode.pool.Endpoint;
import io.gdnode.pool.PoolTls;
import io.gdnode.pool.PoolTopology;
import io.lettuce.core.RedisURI;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The application's Spring Boot Redis connection, read as Boot's own Lettuce connection factory
 * reads it: the server (host and port, Sentinel, Cluster or master/replica nodes), user,
 * password, database and SSL bundle from the {@link DataRedisConnectionDetails} bean, which Boot
 * builds from {@code spring.data.redis.*} and which Testcontainers' {@code @ServiceConnection} and
 * Docker Compose replace; the client name, timeouts and {@code rediss://} from
 * {@link DataRedisProperties}. {@link PoolDefinitionMapper} makes it the default endpoint of the
 * master, slave and async roles.
 */
final class SpringDataRedisSettings {

	/** An application without Spring Boot's Redis auto-configuration: nothing to take over. */
	static final SpringDataRedisSettings NONE = new SpringDataRedisSettings(null, null, false, false, false);

	/** Tells pools apart by TLS material when the connection details' SSL bundle has no name. */
	private static final String UNNAMED_BUNDLE = "spring.data.redis.ssl";

	/** The {@code spring.data.redis.*} keys that say where to connect. */
	private static final List<String> ENDPOINT_KEYS = List.of("url", "host", "port", "username", "password",
			"database", "sentinel", "cluster", "masterreplica", "ssl");

	private final DataRedisConnectionDetails details;

	private final DataRedisProperties properties;

	private final boolean configured;

	private final boolean starterSetsCommandTimeout;

	private final boolean starterSetsConnectTimeout;

	private SpringDataRedisSettings(DataRedisConnectionDetails details, DataRedisProperties properties,
			boolean configured, boolean starterSetsCommandTimeout, boolean starterSetsConnectTimeout) {
		this.details = details;
		this.properties = properties;
		this.configured = configured;
		this.starterSetsCommandTimeout = starterSetsCommandTimeout;
		this.starterSetsConnectTimeout = starterSetsConnectTimeout;
	}

	/**
	 * Read the application's Spring Boot Redis connection.
	 * @param details the connection details bean, or {@code null} when Boot's Redis auto-configuration is off
	 * @param properties Boot's Redis properties, or {@code null} when Boot's Redis auto-configuration is off
	 * @param environment the environment, to tell set keys from defaults
	 * @return the settings
	 */
	static SpringDataRedisSettings of(DataRedisConnectionDetails details, DataRedisProperties properties,
			Environment environment) {
		if (details == null) {
			return NONE;
		}
		Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
		boolean command = isSet(sources, "redis.timeout.command");
		boolean connect = isSet(sources, "redis.timeout.connect");
		SpringDataRedisSettings read = new SpringDataRedisSettings(details, properties, false, command, connect);
		// Boot's details name localhost:6379 when nothing is set: only set keys, or details of
		// another origin (@ServiceConnection), count as an endpoint the application chose.
		boolean configured = ENDPOINT_KEYS.stream().anyMatch((key) -> isSet(sources, "spring.data.redis." + key))
				|| !Endpoint.of(read.uri(), null, read.servers()).url().equals("redis://localhost:6379/0");
		return configured ? new SpringDataRedisSettings(details, properties, true, command, connect) : read;
	}

	private static boolean isSet(Iterable<ConfigurationPropertySource> sources, String name) {
		ConfigurationPropertyName property = ConfigurationPropertyName.of(name);
		for (ConfigurationPropertySource source : sources) {
			if (source.getConfigurationProperty(property) != null
					|| source.containsDescendantOf(property) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether there is a Spring Boot Redis connection to take the endpoint from.
	 */
	boolean isPresent() {
		return this.details != null;
	}

	/**
	 * Return whether the application chose the endpoint, rather than leaving Boot's default of
	 * {@code localhost:6379}.
	 */
	boolean isConfigured() {
		return this.configured;
	}

	/**
	 * Return the URI of the server, or of the first node of a Sentinel, Cluster or master/replica
	 * setup, with user, password, database and TLS.
	 */
	RedisURI uri() {
		Node first = nodes().get(0);
		RedisURI.Builder builder = RedisURI.Builder.redis(first.host(), first.port())
			.withDatabase(database())
			.withSsl(this.details.getSslBundle() != null || urlUsesSsl());
		String password = this.details.getPassword();
		if (password != null) {
			String username = this.details.getUsername();
			if (username != null) {
				builder.withAuthentication(username, password);
			}
			else {
				// The char[] form exists in Lettuce 6 and 7; withPassword(String) is gone in 7.
				builder.withPassword(password.toCharArray());
			}
		}
		return builder.build();
	}

	private boolean urlUsesSsl() {
		// As in Boot: a rediss:// spring.data.redis.url turns TLS on, with the JDK's trust material.
		String url = (this.properties != null) ? this.properties.getUrl() : null;
		return url != null && url.startsWith("rediss:");
	}

	private int database() {
		if (this.details.getSentinel() != null) {
			return this.details.getSentinel().getDatabase();
		}
		if (this.details.getCluster() != null || this.details.getMasterReplica() != null) {
			return 0;
		}
		return this.details.getStandalone().getDatabase();
	}

	private List<Node> nodes() {
		DataRedisConnectionDetails details = this.details;
		if (details.getSentinel() != null) {
			return details.getSentinel().getNodes();
		}
		if (details.getCluster() != null) {
			return details.getCluster().getNodes();
		}
		if (details.getMasterReplica() != null) {
			return details.getMasterReplica().getNodes();
		}
		DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
		return List.of(new Node(standalone.getHost(), standalone.getPort()));
	}

	/**
	 * Return the servers the connection names, for showing and comparing where it points: a
	 * Sentinel, Cluster or master/replica topology, or a standalone one.
	 */
	PoolTopology servers() {
		PoolTopology topology = topology(PoolTopology.Reads.MASTER, null);
		return (topology != null) ? topology : PoolTopology.STANDALONE;
	}

	/**
	 * Return the Sentinel, Cluster or master/replica topology of the connection, or {@code null}
	 * for one Redis.
	 * @param reads where the role's reads go
	 * @param clusterRefresh how often a cluster pool refreshes its view of the cluster
	 */
	PoolTopology topology(PoolTopology.Reads reads, Duration clusterRefresh) {
		List<String> nodes = nodes().stream().map((node) -> node.host() + ":" + node.port()).toList();
		DataRedisConnectionDetails.Sentinel sentinel = this.details.getSentinel();
		if (sentinel != null) {
			char[] password = (sentinel.getPassword() != null) ? sentinel.getPassword().toCharArray() : null;
			return PoolTopology.sentinel(sentinel.getMaster(), nodes, password, reads);
		}
		if (this.details.getCluster() != null) {
			return PoolTopology.cluster(nodes, reads, clusterRefresh);
		}
		if (this.details.getMasterReplica() != null && nodes.size() > 1) {
			return PoolTopology.replicas(nodes.get(0), nodes.subList(1, nodes.size()), reads);
		}
		return null;
	}

	/**
	 * Return the user name the sentinels are asked with, which the starter does not support.
	 */
	String sentinelUsername() {
		return (this.details.getSentinel() != null) ? this.details.getSentinel().getUsername() : null;
	}

	/**
	 * Return the TLS material of the connection's SSL bundle, or {@code null} when it has none.
	 */
	PoolTls tls() {
		SslBundle bundle = this.details.getSslBundle();
		if (bundle == null) {
			return null;
		}
		String name = (this.properties != null && StringUtils.hasText(this.properties.getSsl().getBundle()))
				? this.properties.getSsl().getBundle() : UNNAMED_BUNDLE;
		return new PoolTls(name, SslBundleOptions.of(bundle));
	}

	/**
	 * Return {@code spring.data.redis.client-name} when the starter's own client name is not set.
	 * @param starters {@code redis.client.name}
	 */
	String clientName(String starters) {
		if (StringUtils.hasText(starters) || this.properties == null) {
			return starters;
		}
		return this.properties.getClientName();
	}

	/**
	 * Return {@code spring.data.redis.timeout} when {@code redis.timeout.command} is not set.
	 * @param starters {@code redis.timeout.command}
	 */
	Duration commandTimeout(Duration starters) {
		Duration boots = (this.properties != null) ? this.properties.getTimeout() : null;
		return (this.starterSetsCommandTimeout || boots == null) ? starters : boots;
	}

	/**
	 * Return {@code spring.data.redis.connect-timeout} when {@code redis.timeout.connect} is not set.
	 * @param starters {@code redis.timeout.connect}
	 */
	Duration connectTimeout(Duration starters) {
		Duration boots = (this.properties != null) ? this.properties.getConnectTimeout() : null;
		return (this.starterSetsConnectTimeout || boots == null) ? starters : boots;
	}

}
