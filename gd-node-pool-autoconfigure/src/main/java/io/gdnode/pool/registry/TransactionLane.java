package io.gdnode.pool.registry;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.gdnode.pool.connect.ConnectionOpener;
import io.gdnode.pool.connect.SessionTracker;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;

/**
 * One connection of a pool that carries every MULTI ... EXEC block of the pool's
 * {@link TransactionConnection}s, each written in one piece, so transactions need no connection
 * each. Redis runs a block's commands only at EXEC, so blocks of many callers can follow each
 * other on one connection as long as none is split: every write to the lane holds its lock, and
 * Netty keeps the order in which writes were handed to it.
 * <p>
 * Opened on the first transaction. Before use, a MULTI/DISCARD probe checks that Redis accepts
 * MULTI from this user: were it refused, the block's commands would run one by one.
 */
final class TransactionLane {

	private final Supplier<StatefulConnection<?, ?>> connector;

	private final Consumer<StatefulConnection<?, ?>> closer;

	private final RedisCodec<?, ?> codec;

	private final Runnable sent;

	private final ReentrantLock lock = new ReentrantLock();

	private final AtomicReference<StatefulConnection<?, ?>> connection = new AtomicReference<>();

	private volatile long lastWriteNanos = System.nanoTime();

	/**
	 * @param connector opens a connection of the pool, counted as one of its connections
	 * @param closer closes a connection the connector opened
	 * @param sent counts a block handed to the connection
	 */
	TransactionLane(Supplier<StatefulConnection<?, ?>> connector, Consumer<StatefulConnection<?, ?>> closer,
			RedisCodec<?, ?> codec, Runnable sent) {
		this.connector = connector;
		this.closer = closer;
		this.codec = codec;
		this.sent = sent;
	}

	/**
	 * Write a transaction's queued commands, MULTI first, as one piece. A failure completes every
	 * command of the block with it; nothing of the block is then sent.
	 * @param block the commands between MULTI and EXEC, EXEC last
	 */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	void write(List<RedisCommand<?, ?, ?>> block) {
		this.lock.lock();
		try {
			StatefulConnection<?, ?> lane = open();
			block.add(0, multi(lane));
			this.lastWriteNanos = System.nanoTime();
			((RedisChannelHandler<?, ?>) lane).getChannelWriter().write((List) block);
			this.sent.run();
		}
		catch (RuntimeException ex) {
			block.forEach((command) -> command.completeExceptionally(ex));
		}
		finally {
			this.lock.unlock();
		}
	}

	private RedisCommand<?, ?, ?> multi(StatefulConnection<?, ?> lane) {
		AsyncCommand<?, ?, String> multi = multi(this.codec);
		// Refused by Redis although the probe passed (the user's rights changed): probe again next
		// time. A failure of another kind (a timeout) says nothing about the rights, and closing
		// the lane would fail the committed blocks written after this one.
		multi.whenComplete((ok, ex) -> {
			if (ex instanceof RedisCommandExecutionException) {
				replace(lane);
			}
		});
		return multi;
	}

	/**
	 * Return a MULTI that the pool sends ahead of a block whose caller's MULTI was answered without
	 * a socket.
	 */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	static AsyncCommand<?, ?, String> multi(RedisCodec<?, ?> codec) {
		return new AsyncCommand<>(new Command<>(CommandType.MULTI, new StatusOutput(codec)));
	}

	private StatefulConnection<?, ?> open() {
		StatefulConnection<?, ?> lane = this.connection.get();
		if (lane != null && lane.isOpen()) {
			return lane;
		}
		if (lane != null) {
			replace(lane);
		}
		lane = this.connector.get();
		try {
			StatefulRedisConnection<?, ?> redis = (StatefulRedisConnection<?, ?>) lane;
			redis.sync().multi();
			redis.sync().discard();
		}
		catch (RuntimeException ex) {
			this.closer.accept(lane);
			throw ex;
		}
		SessionTracker session = SessionTracker.of(lane);
		if (session != null) {
			session.carryTransactions();
		}
		this.connection.set(lane);
		return lane;
	}

	/**
	 * PING the lane if nothing was written to it for the given time, and replace it if no answer
	 * comes within that time; skipped while a transaction is being written.
	 */
	void keepAlive(long idleNanos) {
		StatefulConnection<?, ?> lane = this.connection.get();
		if (lane == null || !lane.isOpen() || System.nanoTime() - this.lastWriteNanos < idleNanos
				|| !this.lock.tryLock()) {
			return;
		}
		try {
			this.lastWriteNanos = System.nanoTime();
			ConnectionOpener.keepAlivePing(lane).orTimeout(idleNanos, TimeUnit.NANOSECONDS).whenComplete((pong, ex) -> {
				if (ex != null) {
					replace(lane);
				}
			});
		}
		finally {
			this.lock.unlock();
		}
	}

	private void replace(StatefulConnection<?, ?> lane) {
		if (this.connection.compareAndSet(lane, null)) {
			this.closer.accept(lane);
		}
	}

	boolean isOpen() {
		return this.connection.get() != null;
	}

	void close() {
		StatefulConnection<?, ?> lane = this.connection.getAndSet(null);
		if (lane != null) {
			this.closer.accept(lane);
		}
	}
}
