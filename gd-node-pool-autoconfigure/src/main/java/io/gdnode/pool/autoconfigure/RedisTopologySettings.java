package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import io.gdnode.pool.PoolRole;
import io.gdnode.pool.PoolTls;
import io.gdnode.pool.PoolTopology;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * The one place that turns the topology settings ({@code redis.sentinel.*}, {@code redis.cluster.*},
 * the slave's replica list, discovery and fall-back, and {@code redis.*.ssl.bundle}) into the
 * registry's {@link PoolTopology} and {@link PoolTls}, and checks them.
 */
final class RedisTopologySettings {

	private static final Pattern HOST_AND_PORT = Pattern.compile("[^\\s:,/@]+:\\d{1,5}");

	private final RedisPoolProperties properties;

	RedisTopologySettings(RedisPoolProperties properties) {
		this.properties = properties;
	}

	/**
	 * Fail with an {@link InvalidRedisPropertyException} on the first topology value that is not allowed.
	 */
	void validate() {
		RedisPoolProperties p = this.properties;
		String fallback = p.getSlave().getFallback();
		if (!"master".equals(fallback) && !"none".equals(fallback)) {
			throw invalid("redis.slave.fallback", fallback);
		}
		nodes("redis.sentinel.nodes", p.getSentinel().getNodes());
		nodes("redis.cluster.nodes", p.getCluster().getNodes());
		boolean sentinel = !p.getSentinel().getNodes().isEmpty();
		if (sentinel != StringUtils.hasText(p.getSentinel().getMaster())) {
			throw sentinel ? invalid("redis.sentinel.master", p.getSentinel().getMaster())
					: invalid("redis.sentinel.nodes", p.getSentinel().getNodes());
		}
		if (sentinel && !p.getCluster().getNodes().isEmpty()) {
			throw invalid("redis.cluster.nodes", String.join(",", p.getCluster().getNodes()));
		}
		Duration refresh = p.getCluster().getRefreshPeriod();
		if (refresh == null || refresh.isNegative() || refresh.isZero()) {
			throw invalid("redis.cluster.refresh-period", refresh);
		}
	}

	/**
	 * Fail when a role that talks to a cluster asks for a database other than 0.
	 */
	void validateClusterDatabase(String property, RedisURI uri) {
		if (!this.properties.getCluster().getNodes().isEmpty() && uri.getDatabase() != 0) {
			throw new InvalidRedisPropertyException(property, uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase(),
					"a URL without a database, or with database 0: a Redis Cluster has database 0 only");
		}
	}

	private static void nodes(String property, List<String> nodes) {
		for (String node : nodes) {
			if (!HOST_AND_PORT.matcher(node.trim()).matches()) {
				throw invalid(property, String.join(",", nodes));
			}
		}
	}

	private static InvalidRedisPropertyException invalid(String property, Object value) {
		return new InvalidRedisPropertyException(property, value, allowedValues(property));
	}

	/**
	 * Return what a topology property allows, in words, or {@code null} for other properties.
	 */
	static String allowedValues(String property) {
		return switch (property) {
			case "redis.slave.url" -> "a Redis URL: redis://[user:password@]host[:port][/database], or rediss:// "
					+ "for TLS; or a comma-separated list of such URLs, one per replica";
			case "redis.slave.fallback" -> "master (reads go to the master when no replica is reachable) or none "
					+ "(reads fail)";
			case "redis.slave.discovery" -> "true, false, 1 or 0";
			case "redis.sentinel.nodes", "redis.cluster.nodes" -> "a comma-separated list of host:port, such as "
					+ "10.0.0.1:26379,10.0.0.2:26379; Sentinel and Cluster cannot both be set";
			case "redis.sentinel.master" -> "the name of the master the sentinels monitor (as in 'sentinel monitor "
					+ "<name> ...'), required with redis.sentinel.nodes";
			case "redis.cluster.refresh-period" -> "a positive duration such as 10s or 1m";
			default -> property.endsWith(".ssl.bundle")
					? "the name of an SSL bundle configured under spring.ssl.bundle.jks.* or spring.ssl.bundle.pem.*"
					: null;
		};
	}

	/**
	 * Return the topology of a role.
	 * @param role the role
	 * @param master {@code host:port} of the master
	 * @param replicas {@code host:port} of the slave's replicas when its URLs name servers other than the master
	 * @param springDataRedis the application's Spring Boot Redis connection when the role takes its
	 * endpoint from it, else {@code null}
	 */
	PoolTopology topology(PoolRole role, String master, List<String> replicas,
			SpringDataRedisSettings springDataRedis) {
		RedisPoolProperties p = this.properties;
		if (role == PoolRole.LOCAL) {
			return PoolTopology.STANDALONE;
		}
		PoolTopology.Reads reads = (role != PoolRole.SLAVE) ? PoolTopology.Reads.MASTER
				: "none".equals(p.getSlave().getFallback()) ? PoolTopology.Reads.REPLICAS
						: PoolTopology.Reads.REPLICAS_THEN_MASTER;
		if (!p.getSentinel().getNodes().isEmpty()) {
			char[] password = StringUtils.hasText(p.getSentinel().getPassword())
					? p.getSentinel().getPassword().toCharArray() : null;
			return PoolTopology.sentinel(p.getSentinel().getMaster().trim(), trimmed(p.getSentinel().getNodes()),
					password, reads);
		}
		if (!p.getCluster().getNodes().isEmpty()) {
			return PoolTopology.cluster(trimmed(p.getCluster().getNodes()), reads, p.getCluster().getRefreshPeriod());
		}
		PoolTopology application = (springDataRedis != null)
				? springDataRedis.topology(reads, p.getCluster().getRefreshPeriod()) : null;
		if (application != null) {
			return application;
		}
		if (role != PoolRole.SLAVE) {
			return PoolTopology.STANDALONE;
		}
		if (p.getSlave().isDiscovery()) {
			return PoolTopology.discovered(master, reads);
		}
		return replicas.isEmpty() ? PoolTopology.STANDALONE : PoolTopology.replicas(master, replicas, reads);
	}

	static List<String> trimmed(List<String> nodes) {
		return nodes.stream().map(String::trim).toList();
	}

	/**
	 * Split a URL setting into its URLs.
	 */
	static List<String> urls(String setting) {
		List<String> urls = new ArrayList<>();
		if (setting != null) {
			Arrays.stream(setting.split(",")).map(String::trim).filter(StringUtils::hasText).forEach(urls::add);
		}
		return urls;
	}

	/**
	 * Return the TLS material of a role from its SSL bundle, or the common one.
	 * @return the TLS material, or {@code null} when no bundle is set
	 */
	PoolTls tls(PoolRole role, SslBundles bundles) {
		String property = "redis." + role.id() + ".ssl.bundle";
		String name = switch (role) {
			case MASTER -> this.properties.getMaster().getSsl().getBundle();
			case SLAVE -> this.properties.getSlave().getSsl().getBundle();
			case LOCAL -> this.properties.getLocal().getSsl().getBundle();
			case ASYNC -> this.properties.getAsync().getSsl().getBundle();
		};
		if (!StringUtils.hasText(name) && role != PoolRole.LOCAL) {
			name = this.properties.getSsl().getBundle();
			property = "redis.ssl.bundle";
		}
		if (!StringUtils.hasText(name)) {
			return null;
		}
		try {
			if (bundles == null) {
				throw new NoSuchSslBundleException(name, "No SSL bundles are configured");
			}
			return new PoolTls(name, sslOptions(bundles.getBundle(name)));
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidRedisPropertyException(property, name, allowedValues(property), ex);
		}
	}

	/**
	 * Return Lettuce's options for the trust and key material, ciphers and protocols of a bundle.
	 */
	static SslOptions sslOptions(SslBundle bundle) {
		SslOptions.Builder builder = SslOptions.builder()
			.keyManager(bundle.getManagers().getKeyManagerFactory())
			.trustManager(bundle.getManagers().getTrustManagerFactory());
		if (bundle.getOptions().getCiphers() != null) {
			builder.cipherSuites(bundle.getOptions().getCiphers());
		}
		if (bundle.getOptions().getEnabledProtocols() != null) {
			builder.protocols(bundle.getOptions().getEnabledProtocols());
		}
		return builder.build();
	}

}
