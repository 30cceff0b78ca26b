package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.gdnode.pool.PoolClosedException;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolExhaustedException;
import io.gdnode.pool.connect.ConnectionOpener;
import io.gdnode.pool.connect.SessionTracker;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.resource.ClientResources;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * A generation of a role's pool: a lazily opened shared connection for plain commands,
 * a lazily opened {@link TransactionLane} for transactions, and a commons-pool2 pool of dedicated
 * connections, or none when pooling is off.
 * <p>
 * While the pool sits idle its shared connection is sent a PING every keepalive interval; one
 * not answered within that interval replaces the connection, so a path that went silent while
 * idle is found before the next caller needs it. Idle dedicated connections are checked the same
 * way when borrowed after an interval of rest.
 */
final class BlockingGeneration extends PoolGeneration implements DedicatedConnections {

	private static final Log logger = LogFactory.getLog(BlockingGeneration.class);

	private final ConnectionOpener opener;

	private final RedisCodec<?, ?> codec;

	private final RedisURI uri;

	private final String name;

	private final PoolDefinition definition;

	/** The dedicated connections, lent to one caller at a time; {@code null} when not pooled. */
	private final GenericObjectPool<StatefulConnection<?, ?>> dedicated;

	private volatile StatefulConnection<?, ?> shared;

	/** What waits for the shared connection being opened; {@code null} when none is being opened. */
	private List<BiConsumer<StatefulConnection<?, ?>, Throwable>> waitingForShared;

	/** Connections of this generation now open; read as one number, unlike the pool's active and idle. */
	private final AtomicInteger open = new AtomicInteger();

	private final Duration keepAlive;

	private volatile Timeout heartbeat;

	private final TransactionLane lane;

	/** Runs what may wait for a connect when asked on an event-loop thread, which must not wait. */
	private final Executor offEventLoop;

	BlockingGeneration(ConnectionOpener opener, RedisURI uri, RedisCodec<?, ?> codec, String name,
			PoolDefinition definition, PoolCounters counters, Timer timer, Executor offEventLoop) {
		super(counters);
		this.offEventLoop = offEventLoop;
		this.opener = opener;
		this.codec = codec;
		this.uri = uri;
		this.name = name;
		this.definition = definition;
		this.keepAlive = definition.connection().keepAlive();
		this.dedicated = definition.pooled() ? new GenericObjectPool<>(new ConnectionFactory(), config(definition)) : null;
		this.lane = new TransactionLane(this::connect, this::destroy, codec, counters.transactions::increment);
		this.heartbeat = timer.newTimeout(this::heartbeat, this.keepAlive.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void heartbeat(Timeout timeout) {
		this.lane.keepAlive(this.keepAlive.toNanos());
		StatefulConnection<?, ?> connection = this.shared;
		if (connection != null && connection.isOpen() && idleNanos() >= this.keepAlive.toNanos() && tryAcquire()) {
			try {
				ConnectionOpener.keepAlivePing(connection)
					.orTimeout(this.keepAlive.toNanos(), TimeUnit.NANOSECONDS)
					.whenComplete((pong, ex) -> {
						if (ex != null && !this.opener.healsConnections()) {
							replaceShared(connection, ex);
						}
					});
			}
			finally {
				// A probe is not use: it must not keep an idle pool from being cleaned up.
				releaseQuietly();
			}
		}
		if (!isClosed()) {
			this.heartbeat = timeout.timer().newTimeout(this::heartbeat, this.keepAlive.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	private void replaceShared(StatefulConnection<?, ?> connection, Throwable cause) {
		synchronized (this) {
			if (this.shared != connection) {
				return;
			}
			this.shared = null;
		}
		logger.warn("Redis pool '" + this.name + "': the idle shared connection did not answer a keepalive PING within "
				+ this.keepAlive + " (" + cause + "); closed it, the next use opens a new one");
		destroy(connection);
	}

	private static GenericObjectPoolConfig<StatefulConnection<?, ?>> config(PoolDefinition definition) {
		GenericObjectPoolConfig<StatefulConnection<?, ?>> config = new GenericObjectPoolConfig<>();
		config.setMaxTotal(definition.maxTotal());
		config.setMaxIdle(definition.maxTotal());
		config.setMinIdle(0);
		config.setMaxWait(definition.waitTimeout());
		config.setTestOnBorrow(true);
		// The registry reports the pools itself; commons-pool2 would register them all as "pool", "pool1", ...
		config.setJmxEnabled(false);
		return config;
	}

	/**
	 * Return the shared connection, opening it first if needed and waiting for that: for blocking
	 * callers only.
	 */
	StatefulConnection<?, ?> sharedConnection() {
		StatefulConnection<?, ?> connection = readySharedConnection();
		if (connection != null) {
			return connection;
		}
		CompletableFuture<StatefulConnection<?, ?>> opened = new CompletableFuture<>();
		whenSharedConnectionOpen((open, ex) -> {
			if (ex != null) {
				opened.completeExceptionally(ex);
			}
			else {
				opened.complete(open);
			}
		});
		return this.opener.await(opened);
	}

	/**
	 * Run an action on the shared connection as soon as it is open, opening it (or replacing a
	 * broken one) if needed, without blocking: one connect serves every caller that arrives
	 * meanwhile, and their actions run in the order they arrived, before any later caller's. No
	 * lock is held while connecting, so no thread waits on this generation for a connect.
	 * @param action given the connection, or the failure to open it
	 */
	void whenSharedConnectionOpen(BiConsumer<StatefulConnection<?, ?>, Throwable> action) {
		StatefulConnection<?, ?> ready = readySharedConnection();
		if (ready != null) {
			// Set only once the callers that waited for it have written: this one comes after them.
			action.accept(ready, null);
			return;
		}
		StatefulConnection<?, ?> broken = null;
		boolean connect = false;
		synchronized (this) {
			StatefulConnection<?, ?> connection = this.shared;
			if (connection != null && !this.opener.broken(connection)) {
				ready = connection;
			}
			else {
				if (connection != null) {
					this.shared = null;
					broken = connection;
				}
				connect = (this.waitingForShared == null);
				if (connect) {
					this.waitingForShared = new ArrayList<>();
				}
				this.waitingForShared.add(action);
			}
		}
		if (ready != null) {
			action.accept(ready, null);
			return;
		}
		if (broken != null) {
			destroy(broken);
		}
		if (connect) {
			this.opener.openAsync(this.codec, this.uri).whenComplete(this::sharedConnectionOpened);
		}
	}

	private void sharedConnectionOpened(StatefulConnection<?, ?> connection, Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (connection != null) {
			counted(connection);
			SessionTracker session = SessionTracker.of(connection);
			if (session != null) {
				session.share();
			}
		}
		boolean retired = connection != null && isClosed();
		if (retired) {
			// Retired while connecting: nobody may use it, and close() has run already.
			destroy(connection);
			cause = closed(null);
		}
		synchronized (this) {
			// Under the lock, so a caller that finds the connection open writes after these; by
			// index, as a caller's completion may run here and queue one more of its commands.
			List<BiConsumer<StatefulConnection<?, ?>, Throwable>> waiting = this.waitingForShared;
			for (int i = 0; i < waiting.size(); i++) {
				try {
					waiting.get(i).accept((cause != null) ? null : connection, cause);
				}
				catch (RuntimeException ex) {
					logger.debug("Redis pool '" + this.name + "': a caller of the shared connection failed", ex);
				}
			}
			this.waitingForShared = null;
			if (cause == null) {
				this.shared = connection;
			}
		}
	}

	/**
	 * Return the shared connection if it is open and sound, without opening or replacing it:
	 * {@code null} when that would need a connect.
	 */
	StatefulConnection<?, ?> readySharedConnection() {
		StatefulConnection<?, ?> connection = this.shared;
		return (connection != null && !this.opener.broken(connection)) ? connection : null;
	}

	/**
	 * Return a connection for transactions that holds a lease on this generation until closed.
	 */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	StatefulConnection<?, ?> transactionConnection(ClientResources resources, ClientOptions options) {
		return TransactionConnection.create(this.lane, this, this::release, resources, options,
				(RedisCodec) this.codec, this.uri.getTimeout());
	}

	@Override
	public StatefulConnection<?, ?> borrow() {
		long start = System.nanoTime();
		StatefulConnection<?, ?> connection = (this.dedicated != null) ? borrowPooled() : connect();
		this.counters.acquired(start);
		return connection;
	}

	private StatefulConnection<?, ?> borrowPooled() {
		try {
			return this.dedicated.borrowObject();
		}
		catch (NoSuchElementException ex) {
			this.counters.timeouts.increment();
			// The caller that gave up is no longer counted among the waiters.
			throw new PoolExhaustedException(this.name, this.definition, this.dedicated.getNumActive(),
					this.dedicated.getNumWaiters(), ex);
		}
		catch (InterruptedException ex) {
			// Closing a commons-pool2 pool interrupts its waiters: that interrupt is ours, not the caller's.
			if (!this.dedicated.isClosed()) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for a connection of Redis pool '"
						+ this.name + "'", ex);
			}
			throw closed(ex);
		}
		catch (RuntimeException ex) {
			throw this.dedicated.isClosed() ? closed(ex) : ex;
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not open a connection for Redis pool '" + this.name + "'", ex);
		}
	}

	private PoolClosedException closed(Exception cause) {
		return new PoolClosedException(this.name, this.definition.endpoint().address(), cause);
	}

	/**
	 * Take a connection back clean, or close it: what its borrower changed on the session is reset
	 * first (one round trip, only for a borrower that changed something), and a connection whose
	 * session is unknown, or that cannot be tracked, is closed instead.
	 * @param onReturned runs once the connection is back in the pool or closed
	 */
	@Override
	public void giveBack(StatefulConnection<?, ?> connection) {
		// The borrower holds its own lease on this generation: nothing to release here.
		giveBack(connection, () -> {
		});
	}

	void giveBack(StatefulConnection<?, ?> connection, Runnable onReturned) {
		SessionTracker session = SessionTracker.of(connection);
		SessionTracker.Leftover leftover = (this.dedicated == null || session == null || this.opener.broken(connection))
				? SessionTracker.Leftover.UNKNOWN : session.leftover();
		switch (leftover) {
			case NOTHING -> {
				this.dedicated.returnObject(connection);
				onReturned.run();
			}
			case RESETTABLE -> reset(connection, session).whenComplete((ignored, ex) -> {
				if (ex == null) {
					session.resetDone();
					this.dedicated.returnObject(connection);
					onReturned.run();
				}
				else {
					discard(connection, onReturned);
				}
			});
			case UNKNOWN -> discard(connection, onReturned);
		}
	}

	/**
	 * Undo a borrower's WATCH, open MULTI and database switch in one flush; DISCARD forgets watched
	 * keys too. Never waits: a reactive borrower gives back on an event-loop thread.
	 */
	private CompletableFuture<?> reset(StatefulConnection<?, ?> connection, SessionTracker session) {
		RedisAsyncCommands<?, ?> commands = ((StatefulRedisConnection<?, ?>) connection).async();
		List<CompletableFuture<?>> replies = new ArrayList<>(2);
		if (session.inTransaction()) {
			replies.add(commands.discard().toCompletableFuture());
		}
		else if (session.watching()) {
			replies.add(commands.unwatch().toCompletableFuture());
		}
		if (session.changedDatabase()) {
			replies.add(commands.select(this.uri.getDatabase()).toCompletableFuture());
		}
		return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new));
	}

	/**
	 * Close a connection that cannot be lent again, then run {@code onReturned}. commons-pool2
	 * replaces an invalidated connection at once, on the calling thread (2.13 always, 2.12 for a
	 * waiting borrower): never on an event-loop thread, where a reactive borrower gives back, since
	 * the new connection's channel may need that very thread and could then not connect within
	 * the bound, stalling every channel of that event loop meanwhile.
	 */
	private void discard(StatefulConnection<?, ?> connection, Runnable onReturned) {
		if (this.dedicated != null && !this.dedicated.isClosed()
				&& Thread.currentThread() instanceof FastThreadLocalThread) {
			try {
				this.offEventLoop.execute(() -> discard(connection, onReturned));
				return;
			}
			catch (RejectedExecutionException ex) {
				// The pool retired, and a closed commons-pool2 pool replaces nothing.
			}
		}
		try {
			discard(connection);
		}
		finally {
			onReturned.run();
		}
	}

	private void discard(StatefulConnection<?, ?> connection) {
		if (this.dedicated == null) {
			destroy(connection);
			return;
		}
		try {
			this.dedicated.invalidateObject(connection);
		}
		catch (Exception ex) {
			logger.debug("Redis pool '" + this.name + "': closing a connection failed", ex);
		}
	}

	private StatefulConnection<?, ?> connect() {
		return counted(this.opener.open(this.codec, this.uri));
	}

	private StatefulConnection<?, ?> counted(StatefulConnection<?, ?> connection) {
		this.open.incrementAndGet();
		this.counters.created.increment();
		return connection;
	}

	private void destroy(StatefulConnection<?, ?> connection) {
		// Closing waits for the channel to close, which an event-loop thread (where a reset
		// completes, or a reactive borrower gives back) must not do.
		if (Thread.currentThread() instanceof FastThreadLocalThread) {
			connection.closeAsync();
		}
		else {
			connection.close();
		}
		this.open.decrementAndGet();
		this.counters.destroyed.increment();
	}

	@Override
	int active() {
		return Math.max(connections() - idle() - ((this.shared != null) ? 1 : 0) - (this.lane.isOpen() ? 1 : 0), 0);
	}

	@Override
	int idle() {
		return (this.dedicated != null) ? this.dedicated.getNumIdle() : 0;
	}

	@Override
	int waiting() {
		return (this.dedicated != null) ? this.dedicated.getNumWaiters() : 0;
	}

	@Override
	int evictIdle() {
		if (this.dedicated == null) {
			return 0;
		}
		int idle = this.dedicated.getNumIdle();
		this.dedicated.clear();
		return idle;
	}

	/**
	 * Return the shared connection if it is open, without opening it.
	 */
	@Override
	StatefulConnection<?, ?> openSharedConnection() {
		return this.shared;
	}

	@Override
	int connections() {
		return this.open.get();
	}

	@Override
	void close() {
		Timeout scheduled = this.heartbeat;
		if (scheduled != null) {
			scheduled.cancel();
		}
		if (this.dedicated != null) {
			this.dedicated.close();
		}
		this.lane.close();
		StatefulConnection<?, ?> connection = this.shared;
		if (connection != null) {
			this.shared = null;
			destroy(connection);
		}
	}

	private final class ConnectionFactory extends BasePooledObjectFactory<StatefulConnection<?, ?>> {

		@Override
		public StatefulConnection<?, ?> create() {
			return connect();
		}

		@Override
		public PooledObject<StatefulConnection<?, ?>> wrap(StatefulConnection<?, ?> connection) {
			return new DefaultPooledObject<>(connection);
		}

		@Override
		public boolean validateObject(PooledObject<StatefulConnection<?, ?>> pooled) {
			StatefulConnection<?, ?> connection = pooled.getObject();
			if (BlockingGeneration.this.opener.broken(connection)) {
				return false;
			}
			if (BlockingGeneration.this.opener.healsConnections()
					|| pooled.getIdleDuration().compareTo(BlockingGeneration.this.keepAlive) < 0) {
				return true;
			}
			// Rested a whole keepalive interval: make sure something still answers before lending it.
			try {
				ConnectionOpener.keepAlivePing(connection).get(BlockingGeneration.this.keepAlive.toNanos(), TimeUnit.NANOSECONDS);
				return true;
			}
			catch (Exception ex) {
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				return false;
			}
		}

		@Override
		public void destroyObject(PooledObject<StatefulConnection<?, ?>> pooled) {
			destroy(pooled.getObject());
		}

	}

}
