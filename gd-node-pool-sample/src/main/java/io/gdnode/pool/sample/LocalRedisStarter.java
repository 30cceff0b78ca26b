package io.gdnode.pool.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.gdnode.pool.localredis.LocalRedisServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Gives the sample a Redis when none is configured, so that it runs on a fresh machine with one
 * command. When none of {@code redis.url}, {@code redis.master.url}, {@code redis.sentinel.nodes}
 * and {@code redis.cluster.nodes} ({@code REDIS_URL}, {@code REDIS_MASTER_URL},
 * {@code REDIS_SENTINEL_NODES}, {@code REDIS_CLUSTER_NODES}) is set, it uses the Redis that answers PING on 127.0.0.1:6379 (the
 * port is {@value #PROBE_PORT_PROPERTY}), or else starts a {@code redis-server} master and a
 * replica on free loopback ports, which stop when the application context closes or the JVM exits.
 * They run {@code redis-server} from {@code PATH}, or else the one the {@code embedded-redis} jar
 * ships (see {@link RedisServerBinary}). Role URLs the user set explicitly are kept.
 */
public class LocalRedisStarter implements SmartApplicationListener {

	/** The loopback port where a running Redis is looked for. */
	static final String PROBE_PORT_PROPERTY = "sample.local-redis.probe-port";

	/** The property source holding the URLs this listener sets; it comes before every other. */
	static final String PROPERTY_SOURCE_NAME = "localRedis";

	private static final String LOOPBACK = "127.0.0.1";

	private static final int DEFAULT_PROBE_PORT = 6379;

	private static final int PROBE_TIMEOUT_MILLIS = 300;

	private static final Log logger = LogFactory.getLog(LocalRedisStarter.class);

	/** The servers this listener started, by bean name, in the order they started. */
	private final Map<String, LocalRedisServer> servers = new LinkedHashMap<>();

	private final Supplier<RedisServerBinary> binaries;

	/** Create a listener that runs {@code redis-server} from {@code PATH}, else the embedded one. */
	public LocalRedisStarter() {
		this(RedisServerBinary::find);
	}

	/**
	 * Create a listener that runs the binary it is given.
	 * @param binaries finds the binary, asked only when servers are started
	 */
	LocalRedisStarter(Supplier<RedisServerBinary> binaries) {
		this.binaries = binaries;
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType)
				|| ApplicationPreparedEvent.class.isAssignableFrom(eventType)
				|| ApplicationFailedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
			provideRedis(prepared.getEnvironment());
		}
		else if (event instanceof ApplicationPreparedEvent prepared
				&& prepared.getApplicationContext() instanceof GenericApplicationContext context) {
			// As beans they close with the context (AutoCloseable), and in reverse order of creation:
			// registered before any application bean, they stop after the web server has drained
			// its requests and the pools have closed, not under them.
			this.servers.forEach((name, server) -> context.registerBean(name, LocalRedisServer.class, () -> server));
		}
		else if (event instanceof ApplicationFailedEvent) {
			stopServers();
		}
	}

	private void provideRedis(ConfigurableEnvironment environment) {
		if (isConfigured(environment, "redis.url") || isConfigured(environment, "redis.master.url")
				|| isConfigured(environment, "redis.sentinel.nodes") || isConfigured(environment, "redis.cluster.nodes")) {
			logger.info("Redis is configured (redis.url, redis.master.url, redis.sentinel.nodes or "
					+ "redis.cluster.nodes): the sample starts no Redis of its own");
			return;
		}
		int probePort = environment.getProperty(PROBE_PORT_PROPERTY, Integer.class, DEFAULT_PROBE_PORT);
		if (answersPing(probePort)) {
			String url = "redis://" + LOOPBACK + ":" + probePort;
			Map<String, Object> used = use(environment, urls(url, null, url));
			logger.info("No Redis URL is configured: using the Redis that answers on " + LOOPBACK + ":" + probePort
					+ " " + used + "; the slave and async pools fall back to the master");
			return;
		}
		startMasterAndReplica(environment, probePort);
	}

	private void startMasterAndReplica(ConfigurableEnvironment environment, int probePort) {
		try {
			RedisServerBinary binary = this.binaries.get();
			LocalRedisServer master = LocalRedisServer.start(binary.path());
			this.servers.put("localRedisMaster", master);
			LocalRedisServer replica = LocalRedisServer.startReplicaOf(master);
			this.servers.put("localRedisReplica", replica);
			Map<String, Object> used = use(environment, urls(master.url(), replica.url(), master.url()));
			logger.info("No Redis URL is configured and nothing answers on " + LOOPBACK + ":" + probePort
					+ ": started a redis-server master on port " + master.port() + " (master and local roles) and its"
					+ " replica on port " + replica.port() + " (slave role), stopped with the application, from " + binary
					+ " " + used);
		}
		catch (RuntimeException ex) {
			stopServers();
			logger.warn(ex.getMessage() + " The sample starts anyway; its Redis calls fail until a Redis answers"
					+ " on localhost:6379 or REDIS_URL points to one.");
		}
	}

	private static Map<String, String> urls(String master, String slave, String local) {
		Map<String, String> urls = new LinkedHashMap<>();
		urls.put("redis.master.url", master);
		if (slave != null) {
			urls.put("redis.slave.url", slave);
		}
		urls.put("redis.local.url", local);
		return urls;
	}

	/**
	 * Put the URLs into the environment ahead of every other property source, leaving out those
	 * the user set explicitly, and return what was put.
	 */
	private static Map<String, Object> use(ConfigurableEnvironment environment, Map<String, String> urls) {
		Map<String, Object> used = new LinkedHashMap<>();
		urls.forEach((property, url) -> {
			if (!isConfigured(environment, property)) {
				used.put(property, url);
			}
		});
		environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, used));
		return used;
	}

	private static boolean isConfigured(ConfigurableEnvironment environment, String property) {
		return StringUtils.hasText(environment.getProperty(property));
	}

	private void stopServers() {
		List<LocalRedisServer> started = new ArrayList<>(this.servers.values());
		this.servers.clear();
		Collections.reverse(started);
		started.forEach(LocalRedisServer::close);
	}

	/**
	 * Return whether a Redis on the loopback port answers PING with PONG within the probe timeout;
	 * anything else (nothing listening, a Redis that wants a password, another service) counts as no.
	 * @param port the port to probe
	 * @return whether a usable Redis answers there
	 */
	static boolean answersPing(int port) {
		byte[] pong = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(LOOPBACK, port), PROBE_TIMEOUT_MILLIS);
			socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			return Arrays.equals(socket.getInputStream().readNBytes(pong.length), pong);
		}
		catch (IOException ex) {
			return false;
		}
	}

}
