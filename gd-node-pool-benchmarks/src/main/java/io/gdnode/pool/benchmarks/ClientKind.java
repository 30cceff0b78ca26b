package io.gdnode.pool.benchmarks;

import java.util.List;
import java.util.Map;

import io.gdnode.pool.client.AsyncRedisPool;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The clients the throughput benchmark compares, and the workloads each can run. Every client
 * has a JVM and a Redis of its own.
 */
enum ClientKind {

	LETTUCE("raw Lettuce, one shared connection", List.of(Workload.GET_SET, Workload.ASYNC_GET_SET)),

	BOOT_TEMPLATE("Spring Boot default `StringRedisTemplate`",
			List.of(Workload.GET_SET, Workload.MULTI_EXEC, Workload.BLPOP)),

	STARTER_MASTER("gd-node-pool `masterStringRedisTemplate`",
			List.of(Workload.GET_SET, Workload.MULTI_EXEC, Workload.BLPOP)),

	STARTER_MASTER_UNCOALESCED("gd-node-pool `masterStringRedisTemplate`, `REDIS_CLIENT_COALESCE=0`",
			List.of(Workload.GET_SET)),

	STARTER_SLAVE("gd-node-pool `slaveStringRedisTemplate`", List.of(Workload.GET_SET)),

	COMMONS_POOL("raw commons-pool2 + Lettuce", List.of(Workload.GET_SET, Workload.MULTI_EXEC, Workload.BLPOP)),

	BOOT_REACTIVE("Spring Boot default `ReactiveStringRedisTemplate`", List.of(Workload.REACTIVE_GET_SET)),

	STARTER_REACTIVE("gd-node-pool `ReactiveStringRedisTemplate` on `masterRedisConnectionFactory`",
			List.of(Workload.REACTIVE_GET_SET)),

	STARTER_ASYNC("gd-node-pool `asyncRedisPool.execute`", List.of(Workload.ASYNC_GET_SET));

	private final String label;

	private final List<Workload> workloads;

	ClientKind(String label, List<Workload> workloads) {
		this.label = label;
		this.workloads = workloads;
	}

	String label() {
		return this.label;
	}

	List<Workload> workloads() {
		return this.workloads;
	}

	/**
	 * Return the environment variables the client's JVM gets on top of the runner's: the starter's
	 * switches are set the way an application's deployment sets them.
	 */
	Map<String, String> environment() {
		return (this == STARTER_MASTER_UNCOALESCED) ? Map.of("REDIS_CLIENT_COALESCE", "0") : Map.of();
	}

	ThroughputClient open(String redisUrl) {
		return switch (this) {
			case LETTUCE -> new LettuceClient(redisUrl);
			case COMMONS_POOL -> new CommonsPoolClient(redisUrl);
			case BOOT_TEMPLATE -> template(ApplicationMode.BOOT_DEFAULT, redisUrl, "stringRedisTemplate");
			case STARTER_MASTER, STARTER_MASTER_UNCOALESCED ->
				template(ApplicationMode.STARTER, redisUrl, "masterStringRedisTemplate");
			case STARTER_SLAVE -> template(ApplicationMode.STARTER, redisUrl, "slaveStringRedisTemplate");
			case BOOT_REACTIVE -> reactive(ApplicationMode.BOOT_DEFAULT, redisUrl, "redisConnectionFactory");
			case STARTER_REACTIVE -> reactive(ApplicationMode.STARTER, redisUrl, "masterRedisConnectionFactory");
			case STARTER_ASYNC -> {
				ConfigurableApplicationContext context = application(ApplicationMode.STARTER, redisUrl);
				yield new AsyncPoolClient(context.getBean(AsyncRedisPool.class), context);
			}
		};
	}

	private static ThroughputClient template(ApplicationMode mode, String redisUrl, String beanName) {
		ConfigurableApplicationContext context = application(mode, redisUrl);
		return new TemplateClient(context.getBean(beanName, StringRedisTemplate.class), context);
	}

	private static ThroughputClient reactive(ApplicationMode mode, String redisUrl, String factoryName) {
		ConfigurableApplicationContext context = application(mode, redisUrl);
		return new ReactiveTemplateClient(context.getBean(factoryName, ReactiveRedisConnectionFactory.class), context);
	}

	private static ConfigurableApplicationContext application(ApplicationMode mode, String redisUrl) {
		return BenchmarkApplication.run(mode.properties(redisUrl, false), (components) -> {
		});
	}

}
