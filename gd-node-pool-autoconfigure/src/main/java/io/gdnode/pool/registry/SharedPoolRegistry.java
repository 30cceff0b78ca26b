package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolStats;
import io.gdnode.pool.PoolType;
import io.gdnode.pool.RegistryStats;
import io.lettuce.core.resource.ClientResources;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Creates, shares, counts, cleans up and reports the Redis pools of an application.
 * <p>
 * Clients {@link #attach(PoolDefinition) attach} to a pool and get the {@link SharedPool} that
 * every client with the same role and connection identity gets, in this and in every other
 * application context of the JVM (unless sharing is off). Attaching opens nothing: a pool opens
 * on first use. A cleanup task closes pools that nobody used for the idle timeout; the next use
 * opens them again. A pool closes for good when its last client detaches.
 */
public class SharedPoolRegistry implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(SharedPoolRegistry.class);

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

	/** Pools of every registry in this JVM, which is what lets two application contexts share one. */
	private static final Map<PoolKey, BlockingPool> jvmBlockingPools = new HashMap<>();

	private static final Map<PoolKey, AsyncPool> jvmAsyncPools = new HashMap<>();

	/** Guards both maps of the JVM's pools and their client counts. */
	private static final Object jvmPoolsLock = new Object();

	private final ClientResources resources;

	private final Duration idleTimeout;

	private final Duration cleanupInterval;

	private final boolean shared;

	/** This registry's attachments, counted per pool, to detach them all when it closes. */
	private final Map<SharedPool<?>, Integer> attached = new ConcurrentHashMap<>();

	/** The pools of this registry by the name it reports them under, unique within this registry. */
	private final Map<String, SharedPool<?>> named = new ConcurrentHashMap<>();

	private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();

	private volatile Duration leakDetectionThreshold = Duration.ZERO;

	private ScheduledExecutorService cleanupExecutor;

	/**
	 * Create a registry.
	 * @param resources the event loops every pool of this registry uses
	 * @param idleTimeout how long a pool may sit unused before the cleanup closes it
	 * @param cleanupInterval how often the cleanup runs
	 * @param shared whether clients asking for the same pool share it; when not, each client gets its own
	 */
	public SharedPoolRegistry(ClientResources resources, Duration idleTimeout, Duration cleanupInterval,
			boolean shared) {
		Assert.notNull(resources, "'resources' must not be null");
		Assert.isTrue(idleTimeout.toNanos() > 0, "'idleTimeout' must be positive");
		Assert.isTrue(cleanupInterval.toNanos() > 0, "'cleanupInterval' must be positive");
		this.resources = resources;
		this.idleTimeout = idleTimeout;
		this.cleanupInterval = cleanupInterval;
		this.shared = shared;
	}

	/**
	 * Report connections held longer than the given time, from the next pool created on. Off when zero.
	 * @param threshold how long a connection may be held before it is reported
	 */
	public void setLeakDetectionThreshold(Duration threshold) {
		Assert.isTrue(threshold != null && !threshold.isNegative(), "'threshold' must not be negative");
		this.leakDetectionThreshold = threshold;
	}

	/**
	 * Tell the listener about every pool this registry's clients use, now and from now on.
	 * @param listener the listener
	 */
	public void addListener(PoolListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.listeners.add(listener);
		this.named.forEach(listener::poolAttached);
	}

	/**
	 * Attach a client to the blocking pool for the given definition, creating the (still closed)
	 * pool if this is its first client. Opens no connection.
	 * @param definition what the client asks for: a {@code sync} pool
	 * @return the pool, shared with every client asking for the same
	 */
	public BlockingPool attach(PoolDefinition definition) {
		Assert.notNull(definition, "'definition' must not be null");
		Assert.isTrue(definition.type() != PoolType.ASYNC, "An async pool is attached with attachAsync");
		return attach(definition, jvmBlockingPools,
				(key) -> new BlockingPool(key, definition, baseName(definition), this.resources,
						this.leakDetectionThreshold));
	}

	/**
	 * Attach a client to the async pool for the given definition, creating the (still closed) pool
	 * if this is its first client. Opens no connection.
	 * @param definition what the client asks for: an {@code async} pool
	 * @return the pool, shared with every client asking for the same
	 */
	public AsyncPool attachAsync(PoolDefinition definition) {
		Assert.notNull(definition, "'definition' must not be null");
		Assert.isTrue(definition.type() == PoolType.ASYNC, "Only an async pool is attached with attachAsync");
		return attach(definition, jvmAsyncPools, (key) -> new AsyncPool(key, definition, baseName(definition),
				this.resources, this.leakDetectionThreshold));
	}

	private <P extends SharedPool<?>> P attach(PoolDefinition definition, Map<PoolKey, P> jvmPools,
			Function<PoolKey, P> create) {
		PoolKey key = this.shared ? PoolKey.shared(definition, this.resources)
				: PoolKey.exclusive(definition, this.resources);
		P pool;
		synchronized (jvmPoolsLock) {
			pool = jvmPools.computeIfAbsent(key, create);
			pool.attach();
		}
		if (this.attached.merge(pool, 1, Integer::sum) == 1) {
			String name = name(pool);
			this.listeners.forEach((listener) -> listener.poolAttached(name, pool));
		}
		return pool;
	}

	/**
	 * Return the name a pool is reported under, before any disambiguation.
	 * @return {@code master}, {@code slave}, {@code async}, ...
	 */
	private static String baseName(PoolDefinition definition) {
		return switch (definition.type()) {
			case SYNC -> definition.role().id();
			case ASYNC -> definition.type().id();
		};
	}

	/**
	 * Detach a client; the pool closes for good when that was its last client in the JVM.
	 * @param pool a pool returned by {@link #attach} or {@link #attachAsync}
	 */
	public void detach(SharedPool<?> pool) {
		Assert.notNull(pool, "'pool' must not be null");
		boolean last;
		synchronized (jvmPoolsLock) {
			last = pool.detach();
			if (last) {
				jvmBlockingPools.remove(pool.key(), pool);
				jvmAsyncPools.remove(pool.key(), pool);
			}
		}
		if (this.attached.computeIfPresent(pool, (ignored, count) -> (count > 1) ? count - 1 : null) == null) {
			String name = nameOf(pool);
			this.named.remove(name);
			this.listeners.forEach((listener) -> listener.poolDetached(name, pool));
		}
		if (last) {
			logger.debug(pool.getName() + " - closing: its last client has gone");
			pool.retire(SHUTDOWN_TIMEOUT);
		}
	}

	/**
	 * Name a pool after its role and type, with a number added when this registry already has
	 * another pool of that name (the same role at a second endpoint).
	 */
	private synchronized String name(SharedPool<?> pool) {
		String name = pool.getName();
		for (int i = 2; this.named.putIfAbsent(name, pool) != null; i++) {
			name = pool.getName() + "-" + i;
		}
		return name;
	}

	private String nameOf(SharedPool<?> pool) {
		return this.named.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() == pool)
			.map(Map.Entry::getKey)
			.findFirst()
			.orElse(pool.getName());
	}

	/**
	 * Return the statistics of every open pool this registry's clients use.
	 * @return the statistics, pools in name order
	 */
	public RegistryStats getPoolStats() {
		Map<String, PoolStats> pools = new TreeMap<>();
		this.named.forEach((name, pool) -> {
			if (pool.isOpen()) {
				pools.put(name, pool.stats(name));
			}
		});
		return new RegistryStats(pools.size(), Collections.unmodifiableMap(pools));
	}

	/**
	 * Return the statistics of one open pool.
	 * @param name the pool name
	 * @return the statistics, or {@code null} when no open pool has that name
	 */
	public PoolStats getPoolStats(String name) {
		SharedPool<?> pool = getOpenPool(name);
		return (pool != null) ? pool.stats(name) : null;
	}

	/**
	 * Return an open pool of this registry's clients by name.
	 * @param name the pool name
	 * @return the pool, or {@code null} when no open pool has that name
	 */
	public SharedPool<?> getOpenPool(String name) {
		Assert.notNull(name, "'name' must not be null");
		SharedPool<?> pool = this.named.get(name);
		return (pool != null && pool.isOpen()) ? pool : null;
	}

	/**
	 * Close every pool of this registry that nobody has used for the idle timeout and that has no
	 * connection lent, no caller waiting and no lease held. One failing pool does not stop the rest.
	 * @return the names of the pools closed, in name order
	 */
	public List<String> runCleanup() {
		List<String> closed = new ArrayList<>();
		this.named.forEach((name, pool) -> {
			try {
				if (closeIfIdle(name, pool)) {
					closed.add(name);
				}
			}
			catch (RuntimeException ex) {
				logger.warn(name + " - idle cleanup failed", ex);
			}
		});
		Collections.sort(closed);
		return closed;
	}

	private boolean closeIfIdle(String name, SharedPool<?> pool) {
		if (logger.isDebugEnabled()) {
			logger.debug(name + " - before cleanup: " + pool.stats(name));
		}
		boolean closed = pool.closeIfIdle(this.idleTimeout);
		if (logger.isDebugEnabled()) {
			logger.debug(name + " - after cleanup (" + (closed ? "closed" : "kept") + "): " + pool.stats(name));
		}
		return closed;
	}

	/**
	 * Start running the cleanup every cleanup interval, on a daemon thread of its own. Does nothing
	 * when it is running already.
	 */
	public synchronized void startCleanupTask() {
		if (this.cleanupExecutor != null) {
			return;
		}
		this.cleanupExecutor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "gd-node-pool-cleanup");
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.cleanupInterval.toMillis();
		this.cleanupExecutor.scheduleWithFixedDelay(this::runScheduledCleanup, interval, interval, TimeUnit.MILLISECONDS);
	}

	private void runScheduledCleanup() {
		// An exception escaping a scheduled task would cancel every later run.
		try {
			runCleanup();
		}
		catch (Throwable ex) {
			logger.error("Redis pool cleanup failed", ex);
		}
	}

	/**
	 * Stop the cleanup task, waiting for a run in progress to finish. Does nothing when it is not running.
	 */
	public synchronized void stopCleanupTask() {
		if (this.cleanupExecutor == null) {
			return;
		}
		this.cleanupExecutor.shutdownNow();
		try {
			this.cleanupExecutor.awaitTermination(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.cleanupExecutor = null;
	}

	/**
	 * Return whether the cleanup task is running.
	 * @return whether the cleanup task is scheduled
	 */
	public synchronized boolean isCleanupTaskRunning() {
		return this.cleanupExecutor != null;
	}

	/**
	 * Return the event loops the pools of this registry use.
	 * @return the client resources
	 */
	public ClientResources getClientResources() {
		return this.resources;
	}

	@Override
	public void start() {
		startCleanupTask();
	}

	@Override
	public void stop() {
		stopCleanupTask();
	}

	@Override
	public boolean isRunning() {
		return isCleanupTaskRunning();
	}

	/**
	 * Stop the cleanup task and detach every client still attached through this registry.
	 */
	@Override
	public void destroy() {
		stopCleanupTask();
		this.attached.forEach((pool, count) -> {
			for (int i = 0; i < count; i++) {
				detach(pool);
			}
		});
	}

}
