package io.gdnode.pool.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.lettuce.core.RedisURI;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * Every check of {@link RedisPoolProperties}: the first value that is not allowed stops start-up
 * with an {@link InvalidRedisPropertyException} that names the setting and what it allows. Values
 * that cannot be converted at all ({@code abc} for a size) fail earlier, in Spring's binder; the
 * {@link RedisPoolPropertiesFailureAnalyzer} words both alike, with {@link #allowedValues(String)}.
 */
final class RedisPoolPropertiesValidator {

	private static final Pattern HOST_AND_PORT = Pattern.compile("[^\\s:,/@]+:\\d{1,5}");

	private static final String URL_FORM = "redis://[user:password@]host[:port][/database], or rediss:// for TLS";

	private final RedisPoolProperties properties;

	private final RoleUrls urls;

	private final SslBundles sslBundles;

	/**
	 * Create a validator of the given properties.
	 * @param properties the bound properties
	 * @param sslBundles the application's SSL bundles, or {@code null} when it has none
	 */
	RedisPoolPropertiesValidator(RedisPoolProperties properties, SslBundles sslBundles) {
		this.properties = properties;
		this.urls = new RoleUrls(properties);
		this.sslBundles = sslBundles;
	}

	/**
	 * Fail with an {@link InvalidRedisPropertyException} on the first value that is not allowed.
	 */
	void validate() {
		validateUrls();
		validateTopology();
		validateSizes();
		validateDurations();
		for (ConfiguredRole role : ConfiguredRole.values()) {
			validateSslBundle(role);
		}
	}

	private void validateUrls() {
		single("redis.url", this.properties.getUrl());
		uri("redis.url", this.properties.getUrl());
		for (ConfiguredRole role : ConfiguredRole.values()) {
			String property = urlProperty(role);
			if (role != ConfiguredRole.SLAVE) {
				single(property, this.urls.setting(role));
			}
			this.urls.configured(role).forEach((url) -> uri(property, url));
		}
	}

	private void validateTopology() {
		RedisPoolProperties p = this.properties;
		if (p.getSlave().getFallback() == null) {
			throw invalid("redis.slave.fallback", null);
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
		positive("redis.cluster.refresh-period", p.getCluster().getRefreshPeriod());
		if (!p.getCluster().getNodes().isEmpty()) {
			for (ConfiguredRole role : new ConfiguredRole[] { ConfiguredRole.MASTER, ConfiguredRole.SLAVE, ConfiguredRole.ASYNC }) {
				clusterDatabase(urlProperty(role), RedisURI.create(this.urls.resolved(role)));
			}
		}
	}

	private void validateSizes() {
		RedisPoolProperties p = this.properties;
		atLeast("redis.master.pool.size", p.getMaster().getPool().getSize(), 1);
		atLeast("redis.slave.pool.size", p.getSlave().getPool().getSize(), 1);
		atLeast("redis.local.pool.size", p.getLocal().getPool().getSize(), 1);
		RedisPoolProperties.AsyncPool async = p.getAsync().getPool();
		atLeast("redis.async.pool.max", async.getMax(), 1);
		atLeast("redis.async.pool.min", async.getMin(), 0);
		if (async.getMin() > async.getMax()) {
			throw new InvalidRedisPropertyException("redis.async.pool.min", async.getMin(),
					"a whole number from 0 to redis.async.pool.max (" + async.getMax() + ")");
		}
		atLeast("redis.client.queue", p.getClient().getQueue(), 1);
	}

	private void validateDurations() {
		RedisPoolProperties p = this.properties;
		positive("redis.timeout.idle", p.getTimeout().getIdle());
		positive("redis.timeout.wait", p.getTimeout().getWait());
		positive("redis.timeout.command", p.getTimeout().getCommand());
		positive("redis.timeout.connect", p.getTimeout().getConnect());
		positive("redis.timeout.keepalive", p.getTimeout().getKeepalive());
		positive("redis.timeout.reconnect", p.getTimeout().getReconnect());
		positive("redis.cleanup.interval", p.getCleanup().getInterval());
		positive("redis.health.timeout", p.getHealth().getTimeout());
		Duration leak = p.getLeak().getThreshold();
		if (leak == null || leak.isNegative()) {
			throw invalid("redis.leak.threshold", leak);
		}
	}

	/**
	 * Fail when the SSL bundle a role uses (its own, else the common one) is not configured.
	 */
	private void validateSslBundle(ConfiguredRole role) {
		String property = sslBundleProperty(this.properties, role);
		if (property == null) {
			return;
		}
		String name = sslBundle(this.properties, role);
		try {
			if (this.sslBundles == null) {
				throw new NoSuchSslBundleException(name, "No SSL bundles are configured");
			}
			this.sslBundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidRedisPropertyException(property, name, allowedValues(property), ex);
		}
	}

	/**
	 * Return the property that names the SSL bundle of a role: its own, else {@code redis.ssl.bundle}
	 * (not for the local role), or {@code null} when neither is set.
	 */
	static String sslBundleProperty(RedisPoolProperties properties, ConfiguredRole role) {
		String own = switch (role) {
			case MASTER -> properties.getMaster().getSsl().getBundle();
			case SLAVE -> properties.getSlave().getSsl().getBundle();
			case LOCAL -> properties.getLocal().getSsl().getBundle();
			case ASYNC -> properties.getAsync().getSsl().getBundle();
		};
		if (StringUtils.hasText(own)) {
			return "redis." + role.id() + ".ssl.bundle";
		}
		boolean common = role != ConfiguredRole.LOCAL && StringUtils.hasText(properties.getSsl().getBundle());
		return common ? "redis.ssl.bundle" : null;
	}

	/**
	 * Return the name of the SSL bundle of a role, or {@code null} when it has none.
	 */
	static String sslBundle(RedisPoolProperties properties, ConfiguredRole role) {
		String property = sslBundleProperty(properties, role);
		if (property == null) {
			return null;
		}
		return switch (property) {
			case "redis.master.ssl.bundle" -> properties.getMaster().getSsl().getBundle();
			case "redis.slave.ssl.bundle" -> properties.getSlave().getSsl().getBundle();
			case "redis.local.ssl.bundle" -> properties.getLocal().getSsl().getBundle();
			case "redis.async.ssl.bundle" -> properties.getAsync().getSsl().getBundle();
			default -> properties.getSsl().getBundle();
		};
	}

	private static String urlProperty(ConfiguredRole role) {
		return "redis." + role.id() + ".url";
	}

	private static void atLeast(String property, int value, int min) {
		if (value < min) {
			throw invalid(property, value);
		}
	}

	private static void positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw invalid(property, value);
		}
	}

	/**
	 * Refuse a list where one URL is expected, which would otherwise connect to its first URL alone.
	 */
	private static void single(String property, String url) {
		if (RoleUrls.split(url).size() > 1) {
			throw new InvalidRedisPropertyException(property, url, "a single Redis URL: " + URL_FORM
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
				throw invalid(property, url);
			}
			RedisURI.create(url);
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			throw new InvalidRedisPropertyException(property, url, allowedValues(property), ex);
		}
	}

	private static void nodes(String property, List<String> nodes) {
		for (String node : nodes) {
			if (!HOST_AND_PORT.matcher(node.trim()).matches()) {
				throw invalid(property, String.join(",", nodes));
			}
		}
	}

	/**
	 * Fail when a role that talks to a cluster asks for a database other than 0.
	 */
	private static void clusterDatabase(String property, RedisURI uri) {
		if (uri.getDatabase() != 0) {
			throw new InvalidRedisPropertyException(property, uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase(),
					"a URL without a database, or with database 0: a Redis Cluster has database 0 only");
		}
	}

	private static InvalidRedisPropertyException invalid(String property, Object value) {
		return new InvalidRedisPropertyException(property, value, allowedValues(property));
	}

	/**
	 * Return what a property allows, in words, for error messages.
	 * @param property a {@code redis.*} property name
	 * @return the allowed values
	 */
	static String allowedValues(String property) {
		return switch (property) {
			case "redis.slave.url" -> "a Redis URL: " + URL_FORM + "; or a comma-separated list of such URLs, one "
					+ "per replica";
			case "redis.slave.fallback" -> "master (reads go to the master when no replica is reachable) or none "
					+ "(reads fail)";
			case "redis.sentinel.nodes", "redis.cluster.nodes" -> "a comma-separated list of host:port, such as "
					+ "10.0.0.1:26379,10.0.0.2:26379; Sentinel and Cluster cannot both be set";
			case "redis.sentinel.master" -> "the name of the master the sentinels monitor (as in 'sentinel monitor "
					+ "<name> ...'), required with redis.sentinel.nodes";
			case "redis.cluster.refresh-period" -> "a positive duration such as 10s or 1m";
			case "redis.shared", "redis.slave.discovery" -> "true, false, 1 or 0";
			case "redis.client.queue" -> "a whole number from 1 to 2147483647";
			case "redis.leak.threshold" -> "a duration such as 30s, or 0 to turn leak detection off";
			case "redis.health.required" -> "a comma-separated list of master, slave, local and async";
			case "redis.health.timeout" -> "a positive duration such as 500ms, 5s or 5m";
			default -> allowedByForm(property);
		};
	}

	private static String allowedByForm(String property) {
		if (property.endsWith(".ssl.bundle")) {
			return "the name of an SSL bundle configured under spring.ssl.bundle.jks.* or spring.ssl.bundle.pem.*";
		}
		if (property.endsWith(".url")) {
			return "a Redis URL: " + URL_FORM;
		}
		if (property.endsWith(".enabled")) {
			return "true, false, 1 or 0";
		}
		if (property.endsWith(".min")) {
			return "a whole number from 0 to redis.async.pool.max";
		}
		if (property.endsWith(".size") || property.endsWith(".max")) {
			return "a whole number from 1 to 2147483647";
		}
		if (property.startsWith("redis.timeout.") || property.startsWith("redis.cleanup.")) {
			return "a positive duration such as 500ms, 5s or 5m";
		}
		return "a value of the documented form";
	}

}
