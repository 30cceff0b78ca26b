package io.gdnode.pool.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Map;

import io.gdnode.pool.SharedConnectionStateException;
import io.gdnode.pool.connect.ExclusiveCommands;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;

import org.springframework.util.ClassUtils;

/**
 * The async commands of a lane that other calls share: a command that would change the Redis
 * session (MULTI, WATCH, SELECT, CLIENT SETNAME, AUTH, ...) or block the connection (BLPOP,
 * XREAD BLOCK, WAIT, ...) is refused before anything is sent, naming the method that gives the
 * commands a connection of their own. Every other method goes to Lettuce's commands unchanged.
 */
final class SharedLaneGuard implements InvocationHandler {

	/** Methods of Lettuce's async API that cannot share a connection, and the command each sends. */
	private static final Map<String, String> EXCLUSIVE_METHODS = Map.ofEntries(Map.entry("multi", "MULTI"),
			Map.entry("exec", "EXEC"), Map.entry("discard", "DISCARD"), Map.entry("watch", "WATCH"),
			Map.entry("unwatch", "UNWATCH"), Map.entry("select", "SELECT"), Map.entry("auth", "AUTH"),
			Map.entry("clientSetname", "CLIENT SETNAME"), Map.entry("clientSetinfo", "CLIENT SETINFO"),
			Map.entry("clientTracking", "CLIENT TRACKING"), Map.entry("clientCaching", "CLIENT CACHING"),
			Map.entry("clientNoEvict", "CLIENT NO-EVICT"), Map.entry("readOnly", "READONLY"),
			Map.entry("readWrite", "READWRITE"), Map.entry("quit", "QUIT"), Map.entry("reset", "RESET"),
			Map.entry("setAutoFlushCommands", "setAutoFlushCommands"), Map.entry("blpop", "BLPOP"),
			Map.entry("brpop", "BRPOP"), Map.entry("brpoplpush", "BRPOPLPUSH"), Map.entry("blmove", "BLMOVE"),
			Map.entry("blmpop", "BLMPOP"), Map.entry("bzpopmin", "BZPOPMIN"), Map.entry("bzpopmax", "BZPOPMAX"),
			Map.entry("bzmpop", "BZMPOP"), Map.entry("waitForReplication", "WAIT"), Map.entry("waitForAof", "WAITAOF"));

	private final Object commands;

	private final String pool;

	private SharedLaneGuard(Object commands, String pool) {
		this.commands = commands;
		this.pool = pool;
	}

	/**
	 * Guard the async commands of a shared lane.
	 * @param <T> the commands' interface
	 * @param commands Lettuce's async commands of the lane's connection
	 * @param pool the pool's name, for the refusal
	 * @return the guarded commands, with every interface Lettuce's have
	 */
	@SuppressWarnings("unchecked")
	static <T> T guard(T commands, String pool) {
		ClassLoader loader = commands.getClass().getClassLoader();
		Class<?>[] interfaces = ClassUtils.getAllInterfacesForClass(commands.getClass(), loader);
		return (T) Proxy.newProxyInstance(loader, interfaces, new SharedLaneGuard(commands, pool));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
		String refused = refused(method, arguments);
		if (refused != null) {
			throw refusal(refused, this.pool);
		}
		try {
			return method.invoke(this.commands, arguments);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	/**
	 * Return the command that cannot share the connection, or {@code null}.
	 */
	private static String refused(Method method, Object[] arguments) {
		String name = method.getName();
		String command = EXCLUSIVE_METHODS.get(name);
		if (command != null) {
			return command;
		}
		if ((name.equals("xread") || name.equals("xreadgroup")) && blocks(arguments)) {
			return name.toUpperCase(Locale.ROOT) + " BLOCK";
		}
		if (name.equals("dispatch") && arguments != null && arguments.length > 0
				&& arguments[0] instanceof ProtocolKeyword type) {
			CommandArgs<?, ?> commandArguments = null;
			for (Object argument : arguments) {
				if (argument instanceof CommandArgs<?, ?> given) {
					commandArguments = given;
				}
			}
			return ExclusiveCommands.needsExclusive(type, commandArguments) ? type.toString() : null;
		}
		return null;
	}

	private static boolean blocks(Object[] arguments) {
		if (arguments == null) {
			return false;
		}
		for (Object argument : arguments) {
			if (argument instanceof XReadArgs read) {
				CommandArgs<String, String> rendered = new CommandArgs<>(StringCodec.UTF8);
				read.build(rendered);
				return rendered.toCommandString().contains("BLOCK");
			}
		}
		return false;
	}

	/**
	 * Return the failure for a command refused on a shared lane of the pool.
	 * @param command the command
	 * @param pool the pool's name
	 * @return the failure
	 */
	static SharedConnectionStateException refusal(String command, String pool) {
		return new SharedConnectionStateException(command, command + " cannot run on the async pool '" + pool
				+ "' through execute(...): its connections are shared by every call in flight at the same time,"
				+ " which would join the transaction, change database or session with it, or wait behind the"
				+ " blocked connection; run it with executeExclusive(...), which gives the commands a connection"
				+ " of their own until the returned stage completes");
	}

}
