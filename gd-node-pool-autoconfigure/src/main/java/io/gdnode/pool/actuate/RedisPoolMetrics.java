package io.gdnode.pool.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.gdnode.pool.PoolStats;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolView;
import io.gdnode.pool.registry.PoolListener;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for every pool of a {@link SharedPoolRegistry}, named in the style of
 * HikariCP's ({@code redis.pool.connections.active{pool,role,type}}), plus {@code redis.pools.open}.
 * A pool's meters come with its first client and go with its last; while the pool is closed by
 * the idle cleanup they read zero. Counters of connections opened and closed are named
 * {@code .opened} and {@code .closed}: Prometheus reserves the {@code _created} suffix.
 */
public class RedisPoolMetrics implements MeterBinder, PoolListener {

	private static final String PREFIX = "redis.pool.connections";

	private static final String NODES = "redis.pool.nodes";

	private final SharedPoolRegistry registry;

	private final Map<PoolView, List<Meter>> meters = new ConcurrentHashMap<>();

	private volatile MeterRegistry meterRegistry;

	public RedisPoolMetrics(SharedPoolRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		this.meterRegistry = meterRegistry;
		Gauge.builder("redis.pools.open", this.registry, (pools) -> pools.getPoolStats().totalPools())
			.description("Redis pools open now")
			.register(meterRegistry);
		this.registry.addListener(this);
	}

	@Override
	public void poolAttached(String name, PoolView pool) {
		MeterRegistry meterRegistry = this.meterRegistry;
		Tags tags = Tags.of("pool", name, "role", pool.getDefinition().role().id(), "type",
				pool.getDefinition().type().id());
		this.meters.computeIfAbsent(pool, (key) -> withNodes(meterRegistry, pool, tags, List.of(
				gauge(meterRegistry, PREFIX, "Connections open now, the shared one included", pool, tags,
						PoolStats::connections),
				gauge(meterRegistry, PREFIX + ".active", "Dedicated connections lent out", pool, tags, PoolStats::active),
				gauge(meterRegistry, PREFIX + ".idle", "Dedicated connections waiting in the pool", pool, tags,
						PoolStats::idle),
				gauge(meterRegistry, PREFIX + ".pending", "Callers waiting for a connection", pool, tags,
						PoolStats::waiting),
				gauge(meterRegistry, PREFIX + ".max", "Most dedicated connections the pool may hold", pool, tags,
						PoolStats::max),
				gauge(meterRegistry, PREFIX + ".min", "Connections an async pool keeps open", pool, tags, PoolStats::min),
				counter(meterRegistry, PREFIX + ".opened", "Connections opened", pool, tags, PoolStats::created),
				counter(meterRegistry, PREFIX + ".closed", "Connections closed", pool, tags, PoolStats::destroyed),
				counter(meterRegistry, PREFIX + ".transactions",
						"Transactions sent on the connection the pool's transactions share", pool, tags,
						PoolStats::transactions),
				counter(meterRegistry, PREFIX + ".timeout", "Callers that got no connection in time", pool, tags,
						PoolStats::timeouts),
				counter(meterRegistry, PREFIX + ".leaked", "Connections reported by leak detection", pool, tags,
						PoolStats::leaked),
				FunctionTimer
					.builder(PREFIX + ".acquire", pool, (p) -> p.getStats().borrowed(), (p) -> p.getStats().acquireMillis(),
							TimeUnit.MILLISECONDS)
					.description("Time callers waited for a dedicated connection")
					.tags(tags)
					.register(meterRegistry))));
	}

	/**
	 * Add a gauge per role of the servers the pool talks to: how many masters, replicas,
	 * sentinels, ... it knows now, tagged with the pool's topology.
	 */
	private static List<Meter> withNodes(MeterRegistry registry, PoolView pool, Tags tags, List<Meter> meters) {
		List<Meter> all = new ArrayList<>(meters);
		PoolTopology.Kind kind = pool.getDefinition().topology().kind();
		Tags topology = tags.and("topology", kind.id());
		for (String nodeRole : nodeRoles(kind)) {
			all.add(Gauge.builder(NODES, pool, (p) -> p.getStats().nodes().stream()
					.filter((node) -> node.role().equals(nodeRole)).count())
				.description("Redis servers the pool talks to, by their role")
				.tags(topology.and("node_role", nodeRole))
				.strongReference(true)
				.register(registry));
		}
		return List.copyOf(all);
	}

	private static List<String> nodeRoles(PoolTopology.Kind kind) {
		return switch (kind) {
			case STANDALONE -> List.of("standalone");
			case REPLICAS, DISCOVERED -> List.of("master", "replica");
			case SENTINEL -> List.of("sentinel");
			case CLUSTER -> List.of("master", "replica", "failed", "seed");
		};
	}

	@Override
	public void poolDetached(String name, PoolView pool) {
		List<Meter> removed = this.meters.remove(pool);
		if (removed != null) {
			removed.forEach(this.meterRegistry::remove);
		}
	}

	private static Meter gauge(MeterRegistry registry, String name, String description, PoolView pool, Tags tags,
			ToDoubleFunction<PoolStats> value) {
		return Gauge.builder(name, pool, (p) -> value.applyAsDouble(p.getStats()))
			.description(description)
			.tags(tags)
			.strongReference(true)
			.register(registry);
	}

	private static Meter counter(MeterRegistry registry, String name, String description, PoolView pool, Tags tags,
			ToDoubleFunction<PoolStats> value) {
		return FunctionCounter.builder(name, pool, (p) -> value.applyAsDouble(p.getStats()))
			.description(description)
			.tags(tags)
			.register(registry);
	}

}
