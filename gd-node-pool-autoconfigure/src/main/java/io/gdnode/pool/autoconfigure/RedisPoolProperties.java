package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;


import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Redis pools, bound from {@code redis.*} in {@code application.yml} or from
 * the {@code REDIS_*} environment variables ({@code REDIS_MASTER_POOL_SIZE} is
 * {@code redis.master.pool.size}). Other {@code REDIS_*} variables, such as the ones Kubernetes
 * injects for a service named redis, are ignored.
 * <p>
 * Data only: the field initializers are the one source of the defaults. The auto-configuration
 * checks the values ({@link RedisPoolPropertiesValidator}) and maps them to pool definitions
 * ({@link PoolDefinitionMapper}).
 */
@ConfigurationProperties("redis")
public class RedisPoolProperties {

	/**
	 * Redis URL for the master, slave and async roles when they have none of their own, for example
	 * redis://user:secret@redis:6379/0, or rediss:// for TLS.
	 */
	private String url;

	/**
	 * Whether clients asking for the same pool share it, across the JVM's application contexts too,
	 * rather than each getting a pool of its own.
	 */
	@NumericBoolean
	private boolean shared = true;

	/**
	 * The master (writes).
	 */
	private final Role master = new Role(10, null);

	/**
	 * The slave (reads), which connects to the master when no URL of its own is set.
	 */
	private final Slave slave = new Slave();

	/**
	 * The local Redis of this node.
	 */
	private final Role local = new Role(5, "redis://localhost:6379");

	/**
	 * The async pool for non-blocking clients, which connects to the master when no URL of its own is set.
	 */
	private final Async async = new Async();

	/**
	 * How the application names its connections and how many commands a connection may hold.
	 */
	private final Client client = new Client();

	/**
	 * Timeouts.
	 */
	private final Timeout timeout = new Timeout();

	/**
	 * Idle pool cleanup.
	 */
	private final Cleanup cleanup = new Cleanup();

	/**
	 * Health of the pools.
	 */
	private final Health health = new Health();

	/**
	 * Leak detection.
	 */
	private final Leak leak = new Leak();

	/**
	 * TLS of the master, slave and async roles when they have none of their own.
	 */
	private final Ssl ssl = new Ssl();

	/**
	 * Sentinel: the master and slave (and async) roles find the master and its replicas through sentinels.
	 */
	private final Sentinel sentinel = new Sentinel();

	/**
	 * Redis Cluster: the master and slave (and async) roles talk to a cluster.
	 */
	private final Cluster cluster = new Cluster();

	public String getUrl() {
		return this.url;
	}

	public void setUrl(String url) {
		this.url = url;
	}

	public boolean isShared() {
		return this.shared;
	}

	public void setShared(boolean shared) {
		this.shared = shared;
	}

	public Role getMaster() {
		return this.master;
	}

	public Slave getSlave() {
		return this.slave;
	}

	public Role getLocal() {
		return this.local;
	}

	public Async getAsync() {
		return this.async;
	}

	public Client getClient() {
		return this.client;
	}

	public Timeout getTimeout() {
		return this.timeout;
	}

	public Cleanup getCleanup() {
		return this.cleanup;
	}

	public Health getHealth() {
		return this.health;
	}

	public Leak getLeak() {
		return this.leak;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Sentinel getSentinel() {
		return this.sentinel;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	/**
	 * Where a role connects and how its pool is sized.
	 */
	public static class Role {

		/**
		 * Redis URL of this role, for example redis://user:secret@redis:6379/0, or rediss:// for TLS.
		 */
		private String url;

		/**
		 * Pool of this role.
		 */
		private final Pool pool = new Pool();

		/**
		 * TLS of this role.
		 */
		private final Ssl ssl = new Ssl();

		// Private, so that the metadata processor reads the getters rather than this constructor.
		private Role(int poolSize, String url) {
			this.pool.setSize(poolSize);
			this.url = url;
		}

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public Pool getPool() {
			return this.pool;
		}

		public Ssl getSsl() {
			return this.ssl;
		}

	}

	/**
	 * Where reads go and how the slave pool is sized.
	 */
	public static class Slave extends Role {

		/**
		 * Whether to read from the replicas the master reports (INFO replication) instead of a URL list.
		 */
		@NumericBoolean
		private boolean discovery;

		/**
		 * What reads do when no replica is reachable: 'master' reads from the master, 'none' fails.
		 */
		private Fallback fallback = Fallback.MASTER;

		Slave() {
			super(20, null);
		}

		public boolean isDiscovery() {
			return this.discovery;
		}

		public void setDiscovery(boolean discovery) {
			this.discovery = discovery;
		}

		public Fallback getFallback() {
			return this.fallback;
		}

		public void setFallback(Fallback fallback) {
			this.fallback = fallback;
		}

	}

	/**
	 * What the slave's reads do when no replica is reachable.
	 */
	public enum Fallback {

		/** Reads go to the master. */
		MASTER,

		/** Reads fail. */
		NONE

	}

	/**
	 * TLS with trust and key material from a Spring Boot SSL bundle.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) with the trust and key material; setting it turns TLS on.
		 */
		private String bundle;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * Sentinel.
	 */
	public static class Sentinel {

		/**
		 * Name of the master the sentinels monitor.
		 */
		private String master;

		/**
		 * Sentinels as a comma-separated list of host:port.
		 */
		private List<String> nodes = new ArrayList<>();

		/**
		 * Password of the sentinels, when they require one.
		 */
		private String password;

		public String getMaster() {
			return this.master;
		}

		public void setMaster(String master) {
			this.master = master;
		}

		public List<String> getNodes() {
			return this.nodes;
		}

		public void setNodes(List<String> nodes) {
			this.nodes = nodes;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

	}

	/**
	 * Redis Cluster.
	 */
	public static class Cluster {

		/**
		 * Cluster nodes to start from, as a comma-separated list of host:port.
		 */
		private List<String> nodes = new ArrayList<>();

		/**
		 * How often each cluster pool refreshes its view of the cluster, on top of the refreshes that
		 * redirections and reconnects trigger.
		 */
		private Duration refreshPeriod = Duration.ofSeconds(30);

		public List<String> getNodes() {
			return this.nodes;
		}

		public void setNodes(List<String> nodes) {
			this.nodes = nodes;
		}

		public Duration getRefreshPeriod() {
			return this.refreshPeriod;
		}

		public void setRefreshPeriod(Duration refreshPeriod) {
			this.refreshPeriod = refreshPeriod;
		}

	}

	/**
	 * Pool of a sync role.
	 */
	public static class Pool {

		/**
		 * Whether to pool dedicated connections, rather than open and close one per use (plain
		 * commands share one connection either way).
		 */
		@NumericBoolean
		private boolean enabled = true;

		/**
		 * Most dedicated connections in the pool, used by transactions, blocking commands, pipelines
		 * and reactive operations; plain commands share one more connection.
		 */
		private int size;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

	}

	/**
	 * Where the async pool connects and how it is sized.
	 */
	public static class Async {

		/**
		 * Redis URL of the async pool, for example redis://user:secret@redis:6379/0, or rediss:// for
		 * TLS; the master's when not set.
		 */
		private String url;

		/**
		 * The async pool.
		 */
		private final AsyncPool pool = new AsyncPool();

		/**
		 * TLS of the async pool.
		 */
		private final Ssl ssl = new Ssl();

		public Ssl getSsl() {
			return this.ssl;
		}

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public AsyncPool getPool() {
			return this.pool;
		}

	}

	/**
	 * Sizes of the async pool.
	 */
	public static class AsyncPool {

		/**
		 * Whether to pool async connections, rather than open and close one per use.
		 */
		@NumericBoolean
		private boolean enabled = true;

		/**
		 * Connections the async pool opens on first use and keeps open, each shared by every call in flight.
		 */
		private int min = 5;

		/**
		 * Most connections of the async pool: shared ones and those lent to executeExclusive.
		 */
		private int max = 20;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMin() {
			return this.min;
		}

		public void setMin(int min) {
			this.min = min;
		}

		public int getMax() {
			return this.max;
		}

		public void setMax(int max) {
			this.max = max;
		}

	}

	/**
	 * How the application names its connections and how many commands a connection may hold.
	 */
	public static class Client {

		/**
		 * Prefix of every connection's client name (CLIENT SETNAME), followed by the pool name; when
		 * not set, spring.data.redis.client-name, then spring.application.name, then gd-node.
		 */
		private String name;

		/**
		 * Most commands one connection holds waiting for their reply, more failing at once; unbounded
		 * by default, as in Lettuce and Spring Boot, so that a transaction or pipeline of any size runs whole.
		 */
		private int queue = Integer.MAX_VALUE;

		/**
		 * Whether the commands of concurrent callers on one connection leave in one write.
		 */
		@NumericBoolean
		private boolean coalesce = true;

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public int getQueue() {
			return this.queue;
		}

		public void setQueue(int queue) {
			this.queue = queue;
		}

		public boolean isCoalesce() {
			return this.coalesce;
		}

		public void setCoalesce(boolean coalesce) {
			this.coalesce = coalesce;
		}

	}

	/**
	 * Timeouts.
	 */
	public static class Timeout {

		/**
		 * How long a pool may sit unused before the cleanup closes it.
		 */
		private Duration idle = Duration.ofMinutes(5);

		/**
		 * How long a caller may wait for a connection from a full pool before it gets an error.
		 */
		private Duration wait = Duration.ofSeconds(5);

		/**
		 * How long a Redis command may take, a blocking one (BLPOP, XREAD BLOCK, WAIT) its block time
		 * on top; spring.data.redis.timeout applies when this is not set.
		 */
		private Duration command = Duration.ofSeconds(5);

		/**
		 * How long opening a connection may take; spring.data.redis.connect-timeout applies when
		 * this is not set.
		 */
		private Duration connect = Duration.ofSeconds(10);

		/**
		 * Idle time before TCP keepalive probes start (3 probes, a third of it apart), which also
		 * sets the dead-peer bounds (a silent peer is given up after twice this, a connection that
		 * reads nothing while a command waits after the command timeout plus this) and how often, at
		 * most, a replica pool looks for servers its connections do not know.
		 */
		private Duration keepalive = Duration.ofSeconds(30);

		/**
		 * Longest pause between two reconnect attempts of a connection, or between two connection
		 * attempts of a pool while they fail; pauses double from 100 ms with jitter up to this.
		 */
		private Duration reconnect = Duration.ofSeconds(2);

		public Duration getIdle() {
			return this.idle;
		}

		public void setIdle(Duration idle) {
			this.idle = idle;
		}

		public Duration getWait() {
			return this.wait;
		}

		public void setWait(Duration wait) {
			this.wait = wait;
		}

		public Duration getCommand() {
			return this.command;
		}

		public void setCommand(Duration command) {
			this.command = command;
		}

		public Duration getConnect() {
			return this.connect;
		}

		public void setConnect(Duration connect) {
			this.connect = connect;
		}

		public Duration getKeepalive() {
			return this.keepalive;
		}

		public void setKeepalive(Duration keepalive) {
			this.keepalive = keepalive;
		}

		public Duration getReconnect() {
			return this.reconnect;
		}

		public void setReconnect(Duration reconnect) {
			this.reconnect = reconnect;
		}

	}

	/**
	 * Idle pool cleanup.
	 */
	public static class Cleanup {

		/**
		 * How often the cleanup looks for idle pools.
		 */
		private Duration interval = Duration.ofMinutes(1);

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	/**
	 * Health of the pools.
	 */
	public static class Health {

		/**
		 * How long a health check of one role may take before it reports the role unreachable.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		/**
		 * Roles whose pool must answer for the application to be UP; the others are reported as
		 * DEGRADED in the details when they do not answer.
		 */
		private Set<ConfiguredRole> required = EnumSet.of(ConfiguredRole.MASTER);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Set<ConfiguredRole> getRequired() {
			return this.required;
		}

		public void setRequired(Set<ConfiguredRole> required) {
			this.required = required;
		}

	}

	/**
	 * Leak detection.
	 */
	public static class Leak {

		/**
		 * How long a connection may be held before it is logged at WARN with the stack trace of its
		 * borrower; 0 turns leak detection off.
		 */
		private Duration threshold = Duration.ZERO;

		public Duration getThreshold() {
			return this.threshold;
		}

		public void setThreshold(Duration threshold) {
			this.threshold = threshold;
		}

	}

}
