package io.gdnode.pool.registry;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.api.StatefulConnection;

/**
 * Lets Lettuce's reactive cluster commands find node connections through a
 * {@link ReactiveClusterConnection}. Commands that span nodes (KEYS, SCAN, FLUSHALL, DBSIZE, ...)
 * ask the connection's writer, which they take to be Lettuce's {@code ClusterDistributionChannelWriter},
 * for its node-connection provider: Lettuce offers no public way to build either, so this builds
 * them reflectively, once per view, over a {@link Nodes} that answers with reactive views of the
 * pool's own node connections. The writer built here only answers that question: the view writes
 * its commands elsewhere.
 */
final class ClusterNodeViews {

	private static final String PACKAGE = "io.lettuce.core.cluster.";

	private static final Constructor<?> WRITER;

	private static final Object NO_EVENTS;

	private static final Method SET_PROVIDER;

	private static final Method GET_PROVIDER;

	private static final Class<?>[] PROVIDER_TYPES;

	static {
		try {
			ClassLoader loader = RedisChannelWriter.class.getClassLoader();
			Class<?> writer = Class.forName(PACKAGE + "ClusterDistributionChannelWriter", false, loader);
			Class<?> events = Class.forName(PACKAGE + "ClusterEventListener", false, loader);
			Class<?> provider = Class.forName(PACKAGE + "ClusterConnectionProvider", false, loader);
			WRITER = writer.getDeclaredConstructor(RedisChannelWriter.class, ClientOptions.class, events);
			WRITER.setAccessible(true);
			NO_EVENTS = accessible(events.getField("NO_OP")).get(null);
			SET_PROVIDER = accessible(writer.getMethod("setClusterConnectionProvider", provider));
			GET_PROVIDER = accessible(writer.getMethod("getClusterConnectionProvider"));
			PROVIDER_TYPES = new Class<?>[] { provider,
					Class.forName(PACKAGE + "AsyncClusterConnectionProvider", false, loader) };
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new ExceptionInInitializerError("This Lettuce version's cluster internals are not the ones "
					+ "gd-node-pool serves reactive cluster connections through: " + ex);
		}
	}

	private ClusterNodeViews() {
	}

	/**
	 * Return a distribution writer whose node connections come from the given nodes.
	 * @param writer the default writer the distribution writer is built around
	 * @param options the client options
	 * @param nodes what answers each request for a node connection
	 */
	static RedisChannelWriter distributionWriter(RedisChannelWriter writer, ClientOptions options, Nodes nodes) {
		Object provider = Proxy.newProxyInstance(PROVIDER_TYPES[0].getClassLoader(), PROVIDER_TYPES,
				(proxy, method, args) -> switch (method.getName()) {
					case "getConnection", "getConnectionAsync", "getRandomConnectionAsync", "getReadFrom" ->
						nodes.route(method, args);
					case "close", "closeStaleConnections" -> null;
					case "closeAsync" -> CompletableFuture.completedFuture(null);
					case "toString" -> "ClusterNodeViews";
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(
							method.getName() + " is not supported on a reactive view of a pool's cluster connection");
				});
		try {
			RedisChannelWriter distribution = (RedisChannelWriter) WRITER.newInstance(writer, options, NO_EVENTS);
			SET_PROVIDER.invoke(distribution, provider);
			return distribution;
		}
		catch (InvocationTargetException ex) {
			throw new IllegalStateException(ex.getCause());
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Ask the node-connection provider of a cluster connection of the pool what a request asked.
	 * @param cluster a cluster connection opened by Lettuce
	 * @param method the provider method that was called on the view's provider
	 * @param args its arguments
	 * @return what the cluster connection's provider answers: a node connection, a future of one,
	 * or its read setting
	 */
	static Object ask(StatefulConnection<?, ?> cluster, Method method, Object[] args) {
		try {
			Object provider = GET_PROVIDER.invoke(PoolWriter.writerOf(cluster));
			return accessible(method).invoke(provider, args);
		}
		catch (InvocationTargetException ex) {
			throw (ex.getCause() instanceof RuntimeException cause) ? cause : new IllegalStateException(ex.getCause());
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
		member.setAccessible(true);
		return member;
	}

	/**
	 * Answers a view's requests for node connections.
	 */
	@FunctionalInterface
	interface Nodes {

		/**
		 * Answer a call of a method of Lettuce's node-connection provider.
		 * @param method the method
		 * @param args its arguments
		 * @return a reactive view of a node connection, a future of one, or the read setting
		 */
		Object route(Method method, Object[] args);

	}

}
