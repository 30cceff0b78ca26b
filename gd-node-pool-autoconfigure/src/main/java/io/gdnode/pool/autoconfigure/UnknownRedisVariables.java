package io.gdnode.pool.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.BoundConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Warns once at start-up about every {@code REDIS_*} environment variable that sets nothing, with
 * the closest setting: a misspelt or guessed name ({@code REDIS_HOST}) would otherwise be dropped
 * silently. Variables that Kubernetes injects for a service ({@code REDIS_SERVICE_HOST},
 * {@code REDIS_PORT=tcp://...}) and those any {@code @ConfigurationProperties} of the application
 * bound are left alone.
 */
class UnknownRedisVariables implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(UnknownRedisVariables.class);

	private static final String PREFIX = "REDIS_";

	/** Kubernetes service variables whose name alone says what they are. */
	private static final Pattern KUBERNETES_NAME = Pattern
		.compile("[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)");

	/** {@code <SERVICE>_PORT}, which Kubernetes sets to the service's first port as a URL. */
	private static final Pattern KUBERNETES_PORT = Pattern.compile("(tcp|udp|sctp)://.*");

	/** Words people use for a part of what the URL of a role holds. */
	private static final Set<String> URL_PARTS = Set.of("HOST", "HOSTNAME", "PORT", "PASSWORD", "PASS", "AUTH",
			"USER", "USERNAME", "DB", "DATABASE", "INDEX", "SSL", "TLS", "ADDR", "ADDRESS", "SERVER", "URI",
			"ENDPOINT");

	private static final String ONE_URL = "? Host, port, user, password, database and TLS are parts of one URL:"
			+ " redis://[user:password@]host[:port][/database], or rediss:// for TLS";

	private final ApplicationContext context;

	private final ConfigurableEnvironment environment;

	UnknownRedisVariables(ApplicationContext context, ConfigurableEnvironment environment) {
		this.context = context;
		this.environment = environment;
	}

	@Override
	public void afterSingletonsInstantiated() {
		PropertySource<?> source = this.environment.getPropertySources()
			.get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		if (!(source instanceof EnumerablePropertySource<?> variables)) {
			return;
		}
		Set<String> bound = boundVariables();
		for (String name : new TreeSet<>(Set.of(variables.getPropertyNames()))) {
			String variable = name.toUpperCase(Locale.ROOT);
			if (variable.startsWith(PREFIX) && !bound.contains(variable)
					&& !isKubernetesServiceVariable(variable, variables.getProperty(name))) {
				logger.warn("Environment variable " + name + " sets no Redis setting and is ignored; did you mean "
						+ closest(variable));
			}
		}
	}

	/**
	 * Return the environment form of every property that any {@code @ConfigurationProperties}
	 * bean of the application has bound, from whatever source.
	 */
	private Set<String> boundVariables() {
		BoundConfigurationProperties bound = BoundConfigurationProperties.get(this.context);
		if (bound == null) {
			return Set.of();
		}
		return bound.getAll()
			.keySet()
			.stream()
			.map((name) -> RedisEnvironmentVariables.of(name.toString()))
			.collect(Collectors.toSet());
	}

	private static boolean isKubernetesServiceVariable(String variable, Object value) {
		if (KUBERNETES_NAME.matcher(variable).matches()) {
			return true;
		}
		return variable.endsWith("_PORT") && value != null && KUBERNETES_PORT.matcher(value.toString()).matches();
	}

	/**
	 * Return the setting closest to a variable that sets nothing, as {@code VARIABLE (property)?},
	 * and for a part of an endpoint, where it goes.
	 */
	private static String closest(String variable) {
		Map<String, String> settings = settings();
		String rest = variable.substring(PREFIX.length());
		int split = rest.indexOf('_');
		String role = (split > 0) ? rest.substring(0, split) : null;
		String last = rest.substring(rest.lastIndexOf('_') + 1);
		if (URL_PARTS.contains(last)) {
			// A part of an endpoint: the URL of the role named, or of the master and every role falling back to it.
			String roleUrl = PREFIX + role + "_URL";
			if (role != null && settings.containsKey(roleUrl)) {
				return described(roleUrl, settings) + ONE_URL;
			}
			return "REDIS_URL / REDIS_MASTER_URL" + ONE_URL;
		}
		String nearest = settings.keySet()
			.stream()
			.min(Comparator.comparingInt((String setting) -> distance(variable, setting))
				.thenComparing(Comparator.naturalOrder()))
			.orElseThrow();
		return described(nearest, settings) + "?";
	}

	private static String described(String variable, Map<String, String> settings) {
		return variable + " (" + settings.get(variable) + ")";
	}

	/**
	 * Return every setting of {@link RedisPoolProperties}, environment variable to property name.
	 */
	private static Map<String, String> settings() {
		Map<String, String> settings = new LinkedHashMap<>();
		collect(RedisPoolProperties.class, "redis", settings);
		return settings;
	}

	private static void collect(Class<?> type, String prefix, Map<String, String> settings) {
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			Class<?> propertyType = property.getPropertyType();
			if (property.getReadMethod() == null || propertyType == Class.class) {
				continue;
			}
			String name = prefix + "." + dashed(property.getName());
			if (propertyType.getEnclosingClass() == RedisPoolProperties.class && !propertyType.isEnum()) {
				collect(propertyType, name, settings);
			}
			else {
				settings.put(RedisEnvironmentVariables.of(name), name);
			}
		}
	}

	private static String dashed(String name) {
		return name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	/**
	 * Return the Levenshtein distance of two names: the fewest single-character edits between them.
	 */
	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}
