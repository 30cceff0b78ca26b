package io.gdnode.pool.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.gdnode.pool.client.RoleConnectionFactory;
import io.lettuce.core.resource.ClientResources;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The four ways an application can get its Redis connections that the footprint benchmark compares.
 */
enum ApplicationMode {

	NAIVE("a", "naive", "every component builds a pooled `LettuceConnectionFactory` per role, with its own event loops"),

	NAIVE_SHARED_RESOURCES("b", "naive, shared resources",
			"the same, but every factory is handed Spring Boot's `ClientResources` bean"),

	BOOT_DEFAULT("c", "Spring Boot default",
			"Spring Boot's auto-configured pooled factory and `StringRedisTemplate`; Boot configures one Redis, "
					+ "so all three roles of all components share it"),

	STARTER("d", "gd-node-pool", "the starter; every component builds a `RoleConnectionFactory` per role on the registry");

	/** Every connection's client name starts with this, so that CLIENT LIST groups them by pool. */
	static final String CLIENT_NAME = "bench";

	/** The most connections Spring Boot's pool may open: the starter's master pool size, for a like-for-like pool. */
	static final int BOOT_POOL_SIZE = 10;

	/** In footprint runs, how long a pool (or a pooled connection) may sit idle before it is closed. */
	static final Duration SHORT_IDLE_TIMEOUT = Duration.ofSeconds(1);

	private final String letter;

	private final String label;

	private final String description;

	ApplicationMode(String letter, String label, String description) {
		this.letter = letter;
		this.label = label;
		this.description = description;
	}

	String letter() {
		return this.letter;
	}

	String label() {
		return "(" + this.letter + ") " + this.label;
	}

	String description() {
		return this.description;
	}

	/**
	 * Return the application's properties in this mode.
	 * @param shortTimeouts whether idle pools and pooled connections close after {@link #SHORT_IDLE_TIMEOUT}
	 */
	Map<String, Object> properties(String redisUrl, boolean shortTimeouts) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("logging.level.root", "WARN");
		if (this == STARTER) {
			properties.put("redis.url", redisUrl);
			properties.put("redis.local.url", redisUrl);
			properties.put("redis.client.name", CLIENT_NAME);
			if (shortTimeouts) {
				properties.put("redis.timeout.idle", SHORT_IDLE_TIMEOUT.toMillis() + "ms");
				properties.put("redis.cleanup.interval", SHORT_IDLE_TIMEOUT.dividedBy(4).toMillis() + "ms");
			}
			return properties;
		}
		properties.put("spring.autoconfigure.exclude", BenchmarkApplication.WITHOUT_STARTER);
		properties.put("spring.data.redis.url", redisUrl);
		properties.put("spring.data.redis.client-name", CLIENT_NAME + "-boot");
		properties.put("spring.data.redis.lettuce.pool.max-active", BOOT_POOL_SIZE);
		properties.put("spring.data.redis.lettuce.pool.max-idle", BOOT_POOL_SIZE);
		if (shortTimeouts) {
			// Boot has no property for the idle time itself (commons-pool2's default is 30 minutes).
			properties.put("spring.data.redis.lettuce.pool.time-between-eviction-runs",
					SHORT_IDLE_TIMEOUT.dividedBy(4).toMillis() + "ms");
		}
		return properties;
	}

	/**
	 * Create one application component the way this mode does.
	 */
	RedisComponent newComponent(GenericApplicationContext context, String redisUrl, boolean shortTimeouts) {
		Duration eviction = shortTimeouts ? SHORT_IDLE_TIMEOUT : null;
		return switch (this) {
			case NAIVE -> new NaiveComponent(redisUrl, null, eviction);
			case NAIVE_SHARED_RESOURCES -> new NaiveComponent(redisUrl, context.getBean(ClientResources.class), eviction);
			case BOOT_DEFAULT -> new BootComponent(context.getBean(StringRedisTemplate.class));
			case STARTER -> new StarterComponent(context);
		};
	}

}
