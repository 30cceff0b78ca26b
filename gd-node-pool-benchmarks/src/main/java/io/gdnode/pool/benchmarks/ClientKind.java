package io.gdnode.pool.benchmarks;

import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The clients the throughput benchmark compares, and the workloads each can run.
 */
enum ClientKind {

	LETTUCE("raw Lettuce, one shared connection", List.of(Workload.GET_SET)),

	BOOT_TEMPLATE("Spring Boot default `StringRedisTemplate`", List.of(Workload.values())),

	STARTER_MASTER("gd-node-pool `masterStringRedisTemplate`", List.of(Workload.values())),

	STARTER_SLAVE("gd-node-pool `slaveStringRedisTemplate`", List.of(Workload.GET_SET)),

	COMMONS_POOL("raw commons-pool2 + Lettuce", List.of(Workload.values()));

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

	ThroughputClient open(String redisUrl) {
		return switch (this) {
			case LETTUCE -> new LettuceClient(redisUrl);
			case COMMONS_POOL -> new CommonsPoolClient(redisUrl);
			case BOOT_TEMPLATE -> template(ApplicationMode.BOOT_DEFAULT, redisUrl, "stringRedisTemplate");
			case STARTER_MASTER -> template(ApplicationMode.STARTER, redisUrl, "masterStringRedisTemplate");
			case STARTER_SLAVE -> template(ApplicationMode.STARTER, redisUrl, "slaveStringRedisTemplate");
		};
	}

	private static ThroughputClient template(ApplicationMode mode, String redisUrl, String beanName) {
		ConfigurableApplicationContext context = BenchmarkApplication.run(mode.properties(redisUrl, false),
				(components) -> {
				});
		return new TemplateClient(context.getBean(beanName, StringRedisTemplate.class), context);
	}

}
