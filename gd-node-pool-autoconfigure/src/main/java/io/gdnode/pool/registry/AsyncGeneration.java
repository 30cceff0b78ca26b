package io.gdnode.pool.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.gdnode.pool.PoolClosedException;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolExhaustedException;
import io.gdnode.pool.connect.ConnectFailure;
import io.gdnode.pool.connect.ConnectionOpener;
import io.gdnode.pool.connect.SessionTracker;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.codec.StringCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A generation of an async pool: its connections are lanes that any number of calls share at once
 * (Lettuce multiplexes), and a call that cannot share (a transaction, a blocking command, a
 * session change) takes a lane for itself. Every connection, shared or lent, counts against the
 * pool's maximum.
 * <p>
 * On first use the pool opens its minimum of lanes; a call goes to the first lane, in opening
 * order, with fewer than {@link #LANE_CALLS} calls in flight, so calls fill one lane before the
 * next. When every lane carries that many, the call goes to the least loaded and one more lane is
 * opened, up to the maximum. A lane is closed only with no call in flight: one that broke, one
 * given back by an exclusive user with an unknown session, or all of them when the registry
 * closes the idle pool.
 */
final class AsyncGeneration extends PoolGeneration {

	/**
	 * The calls in flight a lane takes before the next lane is used, and above which, on every lane,
	 * one more is opened: a fuller lane sends its commands in fewer socket writes, and spreading
	 * 64 calls evenly over five lanes was measured slower, with more CPU per command.
	 */
	static final int LANE_CALLS = 32;

	private static final Log logger = LogFactory.getLog(AsyncGeneration.class);

	private final ConnectionOpener opener;

	private final RedisURI uri;

	private final String name;

	private final PoolDefinition definition;

	/** The lanes open to new calls, shared or lent; replaced as a whole under this generation's lock. */
	private volatile Lane[] lanes = new Lane[0];

	/** Connections open, including lanes retired and not yet drained. */
	private final AtomicInteger open = new AtomicInteger();

	private final AtomicInteger nextStart = new AtomicInteger();

	/** Connections being opened; guarded by this. */
	private volatile int opening;

	/** The shared lane being opened, which calls without a lane wait for; guarded by this. */
	private CompletableFuture<Lane> nextLane;

	/** Calls that found every connection lent and the pool at its maximum. */
	private final Queue<CompletableFuture<Void>> sharedWaiters = new ConcurrentLinkedQueue<>();

	/** Exclusive users that found the pool at its maximum. */
	private final Queue<CompletableFuture<Lane>> exclusiveWaiters = new ConcurrentLinkedQueue<>();

	private volatile boolean closed;

	AsyncGeneration(ConnectionOpener opener, RedisURI uri, String name, PoolDefinition definition,
			PoolCounters counters) {
		super(counters);
		this.opener = opener;
		this.uri = uri;
		this.name = name;
		this.definition = definition;
	}

	@Override
	StatefulConnection<?, ?> openSharedConnection() {
		// Health checks open their own connection: a lane may be lent to one caller.
		return null;
	}

	/**
	 * Return a lane now, with this call counted in flight on it, or {@code null} when none is open
	 * to share.
	 */
	Lane tryShare() {
		for (int attempt = 0; attempt < 3; attempt++) {
			Lane lane = laneToShare();
			if (lane == null) {
				return null;
			}
			if (this.opener.broken(lane.connection)) {
				retire(lane);
				continue;
			}
			int calls = lane.share();
			if (calls > 0) {
				if (calls > LANE_CALLS) {
					grow();
				}
				return lane;
			}
		}
		return null;
	}

	/**
	 * Return a lane to share, once one is open: opening one if the pool is below its maximum,
	 * else waiting up to the wait timeout for a lent one to come back.
	 */
	CompletableFuture<Lane> share() {
		Lane lane = tryShare();
		if (lane != null) {
			return CompletableFuture.completedFuture(lane);
		}
		CompletableFuture<?> wait;
		synchronized (this) {
			if (this.closed) {
				return CompletableFuture.failedFuture(closed());
			}
			if (this.nextLane != null && this.nextLane.isDone()) {
				// Opened, or failed, and not yet cleared by its own callback, which may run after the
				// callers waiting on it: waiting on it again would retry at once, for ever if the new
				// lane went to an exclusive caller.
				this.nextLane = null;
			}
			if (this.nextLane != null) {
				wait = this.nextLane;
			}
			else if (laneToShare() != null) {
				// A lane opened since the look above: share it rather than open one more.
				wait = CompletableFuture.completedFuture(null);
			}
			else if (room()) {
				wait = openLane(false);
				ensureMinimum();
			}
			else {
				CompletableFuture<Void> waiter = new CompletableFuture<>();
				this.sharedWaiters.add(waiter);
				wait = waiter;
			}
		}
		// A lane given back or opened meanwhile wakes nobody who queued after it: look again.
		if (wait.isDone() || (lane = tryShare()) == null) {
			return timed(wait, this.sharedWaiters).thenCompose((ignored) -> share());
		}
		this.sharedWaiters.remove(wait);
		return CompletableFuture.completedFuture(lane);
	}

	/**
	 * Count a call that shared the lane as done.
	 */
	void unshare(Lane lane) {
		if (lane.calls.decrementAndGet() == 0 && (lane.draining || !this.definition.pooled())) {
			drained(lane);
		}
	}

	/**
	 * Lend a lane to one caller: an idle one, a new one below the maximum, or else the next to come
	 * back or to drain, within the wait timeout.
	 */
	CompletableFuture<Lane> lend() {
		long start = System.nanoTime();
		CompletableFuture<Lane> lent;
		Lane draining = null;
		synchronized (this) {
			if (this.closed) {
				return CompletableFuture.failedFuture(closed());
			}
			Lane idle = null;
			for (Lane lane : this.lanes) {
				if (!lane.draining && lane.calls.compareAndSet(0, Lane.LENT)) {
					idle = lane;
					break;
				}
			}
			if (idle != null) {
				lent = CompletableFuture.completedFuture(track(idle));
			}
			else if (room()) {
				lent = openLane(true);
				ensureMinimum();
			}
			else {
				lent = new CompletableFuture<>();
				this.exclusiveWaiters.add(lent);
				draining = drainOne();
			}
		}
		if (draining != null && draining.calls.get() == 0) {
			drained(draining);
		}
		return timed(lent, this.exclusiveWaiters).whenComplete((lane, ex) -> {
			if (lane != null) {
				this.counters.acquired(start);
			}
		});
	}

	/**
	 * Take back a lent lane: shared again if its user left nothing on the Redis session, closed
	 * otherwise (and always on a topology without session tracking).
	 */
	void giveBack(Lane lane) {
		SessionTracker session = SessionTracker.of(lane.connection);
		boolean clean = this.definition.pooled() && session != null && !this.opener.broken(lane.connection)
				&& session.leftover() == SessionTracker.Leftover.NOTHING;
		if (!clean) {
			discard(lane);
			return;
		}
		CompletableFuture<Lane> waiter;
		while ((waiter = this.exclusiveWaiters.poll()) != null) {
			if (waiter.complete(lane)) {
				return;
			}
		}
		session.share();
		boolean draining;
		synchronized (this) {
			// Under the lock lend() takes, so that it cannot lend the lane between the two: marked for
			// a waiter that queued meanwhile, or else unmarked, as a mark left on a lane handed from
			// user to user would keep it from every call for good.
			draining = !this.exclusiveWaiters.isEmpty();
			lane.draining = draining;
			lane.calls.set(0);
		}
		wakeSharedWaiters();
		if (draining && lane.calls.get() == 0) {
			drained(lane);
		}
	}

	/**
	 * Return the lent lane that holds the connection, or {@code null}.
	 */
	Lane lentLane(StatefulConnection<?, ?> connection) {
		for (Lane lane : this.lanes) {
			if (lane.connection == connection) {
				return lane;
			}
		}
		return null;
	}

	/**
	 * Return the first lane, in opening order, with fewer than {@link #LANE_CALLS} calls in flight,
	 * else the least loaded (equal ones taking turns), or {@code null} when none is open.
	 */
	private Lane laneToShare() {
		Lane[] all = this.lanes;
		int count = all.length;
		if (count == 0) {
			return null;
		}
		for (Lane lane : all) {
			int calls = lane.calls.get();
			if (calls >= 0 && calls < LANE_CALLS && !lane.draining) {
				return lane;
			}
		}
		int start = (count == 1) ? 0 : Math.floorMod(this.nextStart.getAndIncrement(), count);
		Lane best = null;
		int fewest = Integer.MAX_VALUE;
		for (int i = 0; i < count; i++) {
			Lane lane = all[(start + i) % count];
			int calls = lane.calls.get();
			if (calls >= 0 && calls < fewest && !lane.draining) {
				best = lane;
				fewest = calls;
			}
		}
		return best;
	}

	private void grow() {
		if (this.opening > 0 || !room()) {
			return;
		}
		synchronized (this) {
			if (this.opening == 0 && room() && !this.closed) {
				openLane(false);
			}
		}
	}

	/** Whether one more connection fits under the maximum; read under the lock to act on it. */
	private boolean room() {
		return this.open.get() + this.opening < this.definition.maxTotal();
	}

	private void ensureMinimum() {
		int minimum = this.definition.pooled() ? this.definition.minIdle() : 0;
		// Counted once: a refused connect completes at once, and must not be tried again here.
		for (int missing = minimum - this.open.get() - this.opening; missing > 0; missing--) {
			openLane(false);
		}
	}

	/**
	 * Open a connection, as a shared lane or lent to the caller; must hold the lock.
	 */
	private CompletableFuture<Lane> openLane(boolean lent) {
		this.opening++;
		CompletableFuture<Lane> opened = this.opener.openAsync(StringCodec.UTF8, this.uri).handle((connection, ex) -> {
			Lane lane = (connection != null) ? opened(connection, lent) : null;
			Lane draining = null;
			synchronized (this) {
				this.opening--;
				// An exclusive user that queued before any lane was open has none draining for it yet.
				if (lane != null && !this.exclusiveWaiters.isEmpty()) {
					draining = drainOne();
				}
			}
			if (draining != null && draining.calls.get() == 0) {
				drained(draining);
			}
			if (ex != null) {
				throw (ex instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
			}
			if (lane == null) {
				throw closed();
			}
			return lane;
		});
		if (!lent && this.nextLane == null) {
			this.nextLane = opened;
			opened.whenComplete((lane, ex) -> {
				synchronized (this) {
					if (this.nextLane == opened) {
						this.nextLane = null;
					}
				}
				if (ex != null) {
					logger.debug("Redis pool '" + this.name + "': opening a lane failed", ex);
				}
				wakeSharedWaiters();
			});
		}
		return opened;
	}

	private Lane opened(StatefulConnection<String, String> connection, boolean lent) {
		Lane lane = new Lane(connection, lent ? Lane.LENT : 0);
		SessionTracker session = SessionTracker.of(connection);
		if (session != null && !lent) {
			session.share();
		}
		synchronized (this) {
			if (this.closed) {
				connection.closeAsync();
				return null;
			}
			Lane[] all = Arrays.copyOf(this.lanes, this.lanes.length + 1);
			all[all.length - 1] = lane;
			this.lanes = all;
			this.open.incrementAndGet();
			this.counters.created.increment();
		}
		return lent ? track(lane) : lane;
	}

	/**
	 * A lent connection starts with a clean record of what its user does to the session.
	 */
	private static Lane track(Lane lane) {
		SessionTracker session = SessionTracker.of(lane.connection);
		if (session != null) {
			session.lend();
		}
		return lane;
	}

	/**
	 * Mark the least loaded shared lane to take no new calls, for the next exclusive waiter; must
	 * hold the lock.
	 */
	private Lane drainOne() {
		Lane best = null;
		for (Lane lane : this.lanes) {
			int calls = lane.calls.get();
			if (lane.draining && calls >= 0) {
				return null;
			}
			if (calls >= 0 && (best == null || calls < best.calls.get())) {
				best = lane;
			}
		}
		if (best != null) {
			best.draining = true;
		}
		return best;
	}

	/**
	 * A draining lane has no call in flight any more: lend it to an exclusive waiter, close it if
	 * it was retired, or share it again.
	 */
	private void drained(Lane lane) {
		CompletableFuture<Lane> waiter = null;
		boolean close = false;
		synchronized (this) {
			boolean retired = !contains(lane) || !this.definition.pooled();
			if (!retired && (waiter = this.exclusiveWaiters.peek()) != null && lane.calls.compareAndSet(0, Lane.LENT)) {
				this.exclusiveWaiters.remove(waiter);
				lane.draining = false;
			}
			else {
				waiter = null;
				if (retired) {
					close = lane.calls.compareAndSet(0, Lane.CLOSED);
					if (close) {
						remove(lane);
					}
				}
				else if (this.exclusiveWaiters.isEmpty()) {
					lane.draining = false;
				}
			}
		}
		if (waiter != null && !waiter.complete(track(lane))) {
			giveBack(lane);
		}
		if (close) {
			destroy(lane);
		}
	}

	/**
	 * Take a broken lane out of service; it closes once its calls in flight are done.
	 */
	private void retire(Lane lane) {
		synchronized (this) {
			if (!contains(lane) || lane.calls.get() == Lane.LENT) {
				// A lent lane comes back through giveBack, which closes it if broken; taken out of the
				// lanes now, it could not be found then, and its lease and count would stay.
				return;
			}
			remove(lane);
			lane.draining = true;
			if (!this.closed) {
				ensureMinimum();
			}
		}
		logger.debug("Redis pool '" + this.name + "': a lane lost its connection; it closes once its calls are done");
		if (lane.calls.compareAndSet(0, Lane.CLOSED)) {
			destroy(lane);
		}
	}

	private void discard(Lane lane) {
		synchronized (this) {
			remove(lane);
			lane.calls.set(Lane.CLOSED);
		}
		destroy(lane);
		if (!this.exclusiveWaiters.isEmpty() && !this.closed) {
			CompletableFuture<Lane> opened;
			synchronized (this) {
				opened = openLane(true);
			}
			opened.whenComplete((next, ex) -> {
				if (next != null) {
					giveBack(next);
				}
			});
		}
		wakeSharedWaiters();
	}

	private void destroy(Lane lane) {
		lane.connection.closeAsync();
		this.open.decrementAndGet();
		this.counters.destroyed.increment();
	}

	private boolean contains(Lane lane) {
		for (Lane candidate : this.lanes) {
			if (candidate == lane) {
				return true;
			}
		}
		return false;
	}

	/** Must hold the lock. */
	private void remove(Lane lane) {
		List<Lane> kept = new ArrayList<>(Arrays.asList(this.lanes));
		if (kept.remove(lane)) {
			this.lanes = kept.toArray(Lane[]::new);
		}
	}

	/**
	 * Wake the calls waiting now for a lane. Taken off the queue before any is woken: a woken call
	 * that still finds no lane queues again, and woken again in the same pass it would spin this
	 * thread (often an event loop, in the middle of a read) until a lane frees up, which needs that
	 * very thread to send and read the commands of the lanes.
	 */
	private void wakeSharedWaiters() {
		if (this.sharedWaiters.isEmpty()) {
			// Every give-back of an exclusive call comes here; almost never does anyone wait.
			return;
		}
		List<CompletableFuture<Void>> waiting = new ArrayList<>();
		CompletableFuture<Void> waiter;
		while ((waiter = this.sharedWaiters.poll()) != null) {
			waiting.add(waiter);
		}
		waiting.forEach((woken) -> woken.complete(null));
	}

	/**
	 * Bound a wait for a connection of a full pool by the wait timeout; a wait for a connection
	 * being opened is bounded by the connect timeout instead.
	 */
	private <T> CompletableFuture<T> timed(CompletableFuture<T> wait, Queue<?> queue) {
		if (!queue.contains(wait)) {
			return wait;
		}
		return wait.copy()
			.orTimeout(this.definition.waitTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((value, ex) -> queue.remove(wait))
			.exceptionallyCompose((ex) -> {
				Throwable cause = ConnectFailure.unwrap(ex);
				if (!(cause instanceof TimeoutException)) {
					return CompletableFuture.failedFuture(cause);
				}
				wait.completeExceptionally(cause);
				// Handed over just as the wait ended: give it back.
				wait.thenAccept((value) -> {
					if (value instanceof Lane lane) {
						giveBack(lane);
					}
				});
				return CompletableFuture.failedFuture(exhausted(cause));
			});
	}

	private PoolExhaustedException exhausted(Throwable cause) {
		this.counters.timeouts.increment();
		return new PoolExhaustedException(this.name, this.definition, active(), waiting(), cause);
	}

	private PoolClosedException closed() {
		return new PoolClosedException(this.name, this.definition.endpoint().address(), null);
	}

	/**
	 * Return the connections that carry calls: lanes with calls in flight and those lent.
	 */
	@Override
	int active() {
		int active = 0;
		for (Lane lane : this.lanes) {
			int calls = lane.calls.get();
			if (calls > 0 || calls == Lane.LENT) {
				active++;
			}
		}
		return active;
	}

	/**
	 * Return the open lanes with no call in flight.
	 */
	@Override
	int idle() {
		int idle = 0;
		for (Lane lane : this.lanes) {
			if (lane.calls.get() == 0) {
				idle++;
			}
		}
		return idle;
	}

	@Override
	int waiting() {
		return this.sharedWaiters.size() + this.exclusiveWaiters.size();
	}

	@Override
	int evictIdle() {
		int closed = 0;
		for (Lane lane : this.lanes) {
			boolean idle;
			synchronized (this) {
				idle = !lane.draining && lane.calls.compareAndSet(0, Lane.CLOSED);
				if (idle) {
					remove(lane);
				}
			}
			if (idle) {
				destroy(lane);
				closed++;
			}
		}
		return closed;
	}

	@Override
	int connections() {
		return this.open.get();
	}

	@Override
	void close() {
		Lane[] all;
		synchronized (this) {
			this.closed = true;
			all = this.lanes;
			this.lanes = new Lane[0];
		}
		CompletableFuture<?>[] closing = new CompletableFuture<?>[all.length];
		for (int i = 0; i < all.length; i++) {
			all[i].calls.set(Lane.CLOSED);
			this.open.decrementAndGet();
			this.counters.destroyed.increment();
			closing[i] = all[i].connection.closeAsync();
		}
		PoolClosedException closed = closed();
		this.sharedWaiters.forEach((waiter) -> waiter.completeExceptionally(closed));
		this.exclusiveWaiters.forEach((waiter) -> waiter.completeExceptionally(closed));
		try {
			CompletableFuture.allOf(closing).get(this.definition.waitTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.debug("Redis pool '" + this.name + "': closing its connections took longer than "
					+ this.definition.waitTimeout(), ex);
		}
	}

	/**
	 * One connection of the pool and what uses it.
	 */
	static final class Lane {

		/** Lent to one caller. */
		static final int LENT = -1;

		static final int CLOSED = Integer.MIN_VALUE;

		final StatefulConnection<String, String> connection;

		/** Calls in flight while shared, else {@link #LENT} or {@link #CLOSED}. */
		final AtomicInteger calls;

		/** Takes no new calls: wanted by an exclusive user, or retired. */
		volatile boolean draining;

		Lane(StatefulConnection<String, String> connection, int calls) {
			this.connection = connection;
			this.calls = new AtomicInteger(calls);
		}

		/**
		 * Count one more call in flight if the lane is shared.
		 * @return the calls in flight with this one, or 0 when the lane is lent or closed
		 */
		int share() {
			int calls;
			do {
				calls = this.calls.get();
				if (calls < 0) {
					return 0;
				}
			}
			while (!this.calls.compareAndSet(calls, calls + 1));
			return calls + 1;
		}

	}

}
