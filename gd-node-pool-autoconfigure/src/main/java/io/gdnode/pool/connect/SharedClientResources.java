package io.gdnode.pool.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.FactoryBean;

/**
 * One set of Lettuce event loops for the whole JVM, counted by reference: every application
 * context gets the same {@link ClientResources}, so pools shared between contexts keep working
 * when one of them closes, and the last context to close shuts the event loops down.
 * <p>
 * A context with builder customizers (Spring Boot's {@code ClientResourcesBuilderCustomizer}
 * beans, which carry its command tracing and metrics) gets resources of its own on those same
 * event loops instead: one context's observations must not record another context's commands.
 * Its pools are then shared within the context only.
 * <p>
 * Every channel coalesces the writes of concurrent callers ({@link CoalescingNettyCustomizer});
 * a context that turns that off gets resources of its own on the shared event loops too. A
 * customizer that sets a {@code NettyCustomizer} of its own keeps it: it runs first, then the
 * coalescing one.
 * <p>
 * The shared timer ({@link TaskReleasingTimer}) ticks every 100 ms, as Lettuce's does, but lets
 * go of a cancelled timeout's task at once: Lettuce schedules a timeout for every command and
 * cancels it on the reply, and a wheel timer drops a cancelled timeout only at its next tick.
 * Held that long, every command with what hangs on it (a reactive pipeline) outlived young
 * collections; under load that filled the old generation, and collection pauses set the tail
 * latency.
 */
public final class SharedClientResources implements FactoryBean<ClientResources>, DisposableBean {

	private static final Log logger = LogFactory.getLog(SharedClientResources.class);

	private static final long SHUTDOWN_SECONDS = 5;

	private static ClientResources instance;

	private static int references;

	private final Supplier<List<Consumer<DefaultClientResources.Builder>>> customizers;

	private final BooleanSupplier coalesce;

	private ClientResources acquired;

	/** Resources built for this context alone, on the shared event loops, the one in use last. */
	private final List<ClientResources> own = new ArrayList<>();

	/**
	 * Create a handle on the JVM's event loops, with no customizers.
	 */
	public SharedClientResources() {
		this(List::of);
	}

	/**
	 * Create a handle on the JVM's event loops.
	 * @param customizers the customizers of this context, in order, asked for when the resources
	 * are first needed; when there are any, they get a builder that already holds the shared
	 * event loops, executor and timer, just before {@code build()}
	 */
	public SharedClientResources(Supplier<List<Consumer<DefaultClientResources.Builder>>> customizers) {
		this(customizers, () -> true);
	}

	/**
	 * Create a handle on the JVM's event loops.
	 * @param customizers the customizers of this context, as above
	 * @param coalesce whether channels coalesce writes, asked for when the resources are first
	 * needed
	 */
	public SharedClientResources(Supplier<List<Consumer<DefaultClientResources.Builder>>> customizers,
			BooleanSupplier coalesce) {
		this.customizers = customizers;
		this.coalesce = coalesce;
	}

	@Override
	public synchronized ClientResources getObject() {
		if (this.acquired == null) {
			ClientResources shared = acquire();
			try {
				customize(shared, this.customizers.get(), this.coalesce.getAsBoolean());
			}
			catch (RuntimeException ex) {
				shutDownOwn();
				release();
				throw ex;
			}
			this.acquired = this.own.isEmpty() ? shared : this.own.get(this.own.size() - 1);
		}
		return this.acquired;
	}

	private void customize(ClientResources shared, List<Consumer<DefaultClientResources.Builder>> customizers,
			boolean coalesce) {
		if (customizers.isEmpty() && coalesce) {
			return;
		}
		// Supplied, these stay running when the context's own resources shut down.
		DefaultClientResources.Builder builder = DefaultClientResources.builder()
			.eventLoopGroupProvider(shared.eventLoopGroupProvider())
			.eventExecutorGroup(shared.eventExecutorGroup())
			.timer(shared.timer());
		if (coalesce) {
			builder.nettyCustomizer(new CoalescingNettyCustomizer());
		}
		customizers.forEach((customizer) -> customizer.accept(builder));
		DefaultClientResources built = builder.build();
		this.own.add(built);
		if (coalesce && !CoalescingNettyCustomizer.coalesces(built.nettyCustomizer())) {
			// A customizer set a NettyCustomizer of its own: keep it, and coalesce after it. The
			// mutated resources use the first ones' latency recorder, so both live until the end;
			// mutate() does not carry the event loops over, so they are given again.
			this.own.add(built.mutate()
				.eventLoopGroupProvider(shared.eventLoopGroupProvider())
				.nettyCustomizer(new CoalescingNettyCustomizer(built.nettyCustomizer()))
				.build());
		}
	}

	@Override
	public Class<?> getObjectType() {
		return ClientResources.class;
	}

	@Override
	public synchronized void destroy() {
		if (this.acquired != null) {
			this.acquired = null;
			shutDownOwn();
			release();
		}
	}

	private void shutDownOwn() {
		for (int i = this.own.size() - 1; i >= 0; i--) {
			shutDown(this.own.get(i));
		}
		this.own.clear();
	}

	private static synchronized ClientResources acquire() {
		if (references++ == 0) {
			instance = DefaultClientResources.builder()
				.nettyCustomizer(new CoalescingNettyCustomizer())
				.timer(new TaskReleasingTimer(new HashedWheelTimer(new DefaultThreadFactory("lettuce-timer", true))))
				.build();
		}
		return instance;
	}

	private static synchronized void release() {
		if (--references > 0) {
			return;
		}
		try {
			shutDown(instance);
		}
		finally {
			// Supplied to the builder, so the resources' shutdown leaves it running.
			instance.timer().stop();
			instance = null;
		}
	}

	private static void shutDown(ClientResources resources) {
		try {
			resources.shutdown(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS).get(SHUTDOWN_SECONDS * 2, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.warn("Lettuce client resources did not shut down within " + SHUTDOWN_SECONDS + "s", ex);
		}
	}

}
