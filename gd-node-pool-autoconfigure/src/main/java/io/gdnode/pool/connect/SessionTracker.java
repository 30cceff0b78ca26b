package io.gdnode.pool.connect;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.gdnode.pool.SharedConnectionStateException;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.protocol.ConnectionFacade;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;

/**
 * The writer of every pool connection to one Redis: it sees each command before Lettuce does and
 * keeps what the pool must know about the connection's Redis session, in the spirit of HikariCP's
 * dirty bits. A dedicated connection records what its borrower changed (WATCH, an open MULTI,
 * another database) and whether its state is unknown (a session change that is not undone, a
 * command that timed out, was cancelled or failed on the wire, or one still unanswered): the pool
 * resets the first kind and closes the second. A shared connection refuses every command that
 * would change the session of everybody on it.
 */
public final class SessionTracker implements RedisChannelWriter {

	private final RedisChannelWriter delegate;

	private volatile Use use = Use.LENT;

	private volatile boolean watching;

	private volatile boolean transaction;

	private volatile boolean database;

	/**
	 * Return whether a command changes the Redis session of the connection it is sent on.
	 * @param command the command
	 * @return whether it does (SELECT, WATCH, MULTI, CLIENT SETNAME, SUBSCRIBE, ...)
	 */
	public static boolean changesSession(RedisCommand<?, ?, ?> command) {
		return SessionCommand.of(command).changesSession();
	}

	/**
	 * Refuse a raw command, before anything is sent, when it would change the Redis session of a
	 * shared connection. Pools of one Redis refuse it on the connection itself too; pools of a
	 * topology (replicas, Sentinel, Cluster) only here.
	 * @param command the command name, in any case
	 * @param arguments its arguments, as Spring Data Redis's {@code execute(...)} takes them
	 * @throws SharedConnectionStateException when it would
	 */
	public static void refuseSessionChange(String command, byte[]... arguments) {
		SessionCommand effect = SessionCommand.of(command.trim(), () -> (arguments != null && arguments.length > 0)
				? new String(arguments[0], StandardCharsets.UTF_8) : "");
		if (effect.changesSession()) {
			throw new SharedConnectionStateException(command.trim().toUpperCase(Locale.ROOT));
		}
	}

	/** The session changed in a way the pool does not undo, or a command left it unknown. */
	private volatile boolean unknown;

	/**
	 * Commands sent since the connection was lent, read when it comes back. Read then, not counted
	 * by completion callbacks: a caller waiting on a command is woken before such callbacks run,
	 * and may give the connection back in between.
	 */
	private final Queue<RedisCommand<?, ?, ?>> sent = new ConcurrentLinkedQueue<>();

	/** Commands sent inside MULTI: cancelled, not failed, when their transaction is discarded. */
	private final Queue<RedisCommand<?, ?, ?>> queued = new ConcurrentLinkedQueue<>();

	SessionTracker(RedisChannelWriter delegate) {
		this.delegate = delegate;
	}

	/**
	 * Return the tracker of a pool connection, or {@code null} for a connection of a topology that
	 * has none (replicas, Sentinel, Cluster).
	 */
	public static SessionTracker of(StatefulConnection<?, ?> connection) {
		return (connection instanceof RedisChannelHandler<?, ?> handler
				&& handler.getChannelWriter() instanceof SessionTracker tracker) ? tracker : null;
	}

	/**
	 * Mark the connection as shared by every caller: from now on it refuses session changes.
	 */
	public void share() {
		this.use = Use.SHARED;
	}

	/**
	 * Mark a shared connection as lent to one caller again, with a clean record: from now on its
	 * session changes are tracked, not refused.
	 */
	public void lend() {
		this.use = Use.LENT;
	}

	/**
	 * Mark the connection as a transaction lane, whose writer sends whole MULTI ... EXEC blocks
	 * that were checked before: nothing to refuse or track.
	 */
	public void carryTransactions() {
		this.use = Use.LANE;
	}

	@Override
	public <K, V, T> RedisCommand<K, V, T> write(RedisCommand<K, V, T> command) {
		if (this.use != Use.LANE) {
			record(command, SessionCommand.of(command));
		}
		return this.delegate.write(command);
	}

	@Override
	public <K, V> Collection<RedisCommand<K, V, ?>> write(Collection<? extends RedisCommand<K, V, ?>> commands) {
		if (this.use == Use.SHARED) {
			// All or nothing: a refused command must not leave the rest of a batch half sent.
			for (RedisCommand<K, V, ?> command : commands) {
				if (SessionCommand.of(command).changesSession()) {
					throw refuse(commands, command);
				}
			}
		}
		else if (this.use == Use.LENT) {
			commands.forEach((command) -> record(command, SessionCommand.of(command)));
		}
		return this.delegate.write(commands);
	}

	private void record(RedisCommand<?, ?, ?> command, SessionCommand effect) {
		if (this.use == Use.SHARED) {
			refuseIfSessionChange(effect, command);
			return;
		}
		boolean inTransaction = this.transaction;
		switch (effect) {
			case WATCH -> this.watching = true;
			case UNWATCH -> this.watching = false;
			case MULTI -> this.transaction = true;
			case END_TRANSACTION -> {
				this.transaction = false;
				this.watching = false;
			}
			case SELECT -> this.database = true;
			case UNRESETTABLE -> this.unknown = true;
			case NONE -> {
			}
		}
		track(command, inTransaction);
	}

	private static void refuseIfSessionChange(SessionCommand effect, RedisCommand<?, ?, ?> command) {
		if (effect.changesSession()) {
			throw refuse(List.of(command), command);
		}
	}

	/**
	 * Fail commands that are not sent, for a refused one among them. Completed as well as thrown:
	 * Lettuce marks its connection as in a transaction when a MULTI passes, before writing it, and
	 * clears the mark only when the MULTI fails; left pending, every later command on the shared
	 * connection would wait for an EXEC.
	 */
	private static SharedConnectionStateException refuse(Collection<? extends RedisCommand<?, ?, ?>> commands,
			RedisCommand<?, ?, ?> refused) {
		SharedConnectionStateException failure = new SharedConnectionStateException(refused.getType().toString());
		commands.forEach((command) -> command.completeExceptionally(failure));
		return failure;
	}

	private void track(RedisCommand<?, ?, ?> command, boolean inTransaction) {
		Queue<RedisCommand<?, ?, ?>> commands = inTransaction ? this.queued : this.sent;
		commands.add(command);
		// A connection held for long (a worker looping over blocking pops) keeps only its unanswered commands.
		settle(commands, inTransaction);
	}

	/**
	 * Return what the borrower left on the session.
	 */
	public Leftover leftover() {
		boolean unanswered = settle(this.sent, false) | settle(this.queued, true);
		if (this.unknown || unanswered) {
			return Leftover.UNKNOWN;
		}
		return (this.watching || this.transaction || this.database) ? Leftover.RESETTABLE : Leftover.NOTHING;
	}

	/**
	 * Remove the answered commands from the head, noting one that timed out, was cancelled or
	 * failed on the wire (Redis may still be working on it, a BLPOP that would pop the next item
	 * for nobody, or the connection broke), and tell whether one is still unanswered. Redis's own
	 * error replies change nothing, and a command queued by MULTI is cancelled, not failed, when
	 * its transaction is discarded.
	 */
	private boolean settle(Queue<RedisCommand<?, ?, ?>> commands, boolean inTransaction) {
		RedisCommand<?, ?, ?> head;
		while ((head = commands.peek()) != null && head.isDone()) {
			if (commands.remove(head) && !inTransaction && failed(head)) {
				this.unknown = true;
			}
		}
		return !commands.isEmpty();
	}

	private static boolean failed(RedisCommand<?, ?, ?> command) {
		// A reactive command is marked cancelled once its one value is taken, answered or not:
		// only its answer is seen here, not a timeout or an early cancel.
		if (!(command instanceof CompletableFuture<?> future)) {
			return false;
		}
		if (future.isCancelled()) {
			return true;
		}
		if (future.isCompletedExceptionally()) {
			try {
				future.getNow(null);
			}
			catch (CompletionException ex) {
				return !(ex.getCause() instanceof RedisCommandExecutionException);
			}
			catch (CancellationException ex) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return how many commands are held for the return check: only those not yet answered.
	 */
	public int heldCommands() {
		return this.sent.size() + this.queued.size();
	}

	public boolean inTransaction() {
		return this.transaction;
	}

	public boolean watching() {
		return this.watching;
	}

	public boolean changedDatabase() {
		return this.database;
	}

	/**
	 * Forget what was reset; called once Redis confirmed the reset.
	 */
	public void resetDone() {
		this.watching = false;
		this.transaction = false;
		this.database = false;
	}

	@Override
	public void close() {
		this.delegate.close();
	}

	@Override
	public CompletableFuture<Void> closeAsync() {
		return this.delegate.closeAsync();
	}

	/**
	 * Lettuce 6's {@code reset()}, which Lettuce 7 removed: no {@code @Override}, so one source
	 * compiles against both. Nothing calls it on pool connections.
	 */
	@Deprecated
	public void reset() {
		this.unknown = true;
	}

	@Override
	public void setConnectionFacade(ConnectionFacade connection) {
		this.delegate.setConnectionFacade(connection);
	}

	@Override
	public void setAutoFlushCommands(boolean autoFlush) {
		this.delegate.setAutoFlushCommands(autoFlush);
	}

	@Override
	public void flushCommands() {
		this.delegate.flushCommands();
	}

	@Override
	public ClientResources getClientResources() {
		return this.delegate.getClientResources();
	}

	private enum Use {

		/** Lent to one borrower at a time: tracked. */
		LENT,

		/** Shared by every caller: session changes refused. */
		SHARED,

		/** The transaction lane: blocks checked by their transaction connection. */
		LANE

	}

	/**
	 * What a borrower left on a connection's session.
	 */
	public enum Leftover {

		/** Nothing: the connection goes back as it is, at no cost. */
		NOTHING,

		/** WATCH, MULTI or another database: the pool undoes it before the next borrower. */
		RESETTABLE,

		/** Something the pool does not undo, or does not know: the connection is closed. */
		UNKNOWN

	}

}
