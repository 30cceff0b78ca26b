package io.gdnode.pool.benchmarks;

import java.io.BufferedReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.gdnode.pool.PoolRole;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The measured application of the footprint benchmark: a Spring Boot application with N
 * components in one {@link ApplicationMode}. It opens their connections, says {@code READY}, and
 * runs a load when the runner says {@code LOAD}; the runner measures it from outside.
 * <p>
 * Arguments: mode, number of components, Redis URL, operations of the load. The application says
 * {@code HALFWAY} when half of them have started, for the runner to measure it under load after
 * the same work in every mode.
 */
public final class FootprintApplication {

	/** Caller threads of the load: more than the cores, as in a servlet container under load. */
	static final int LOAD_THREADS = 16;

	/** The most a load may take, however slow the machine. */
	private static final Duration LOAD_BOUND = Duration.ofMinutes(5);

	private FootprintApplication() {
	}

	public static void main(String[] args) throws Exception {
		ChildJvm.limitLifetime();
		ApplicationMode mode = ApplicationMode.valueOf(args[0]);
		int components = Integer.parseInt(args[1]);
		String redisUrl = args[2];
		long operations = Long.parseLong(args[3]);
		try (ConfigurableApplicationContext context = BenchmarkApplication.run(mode.properties(redisUrl, true),
				(application) -> {
					for (int i = 0; i < components; i++) {
						application.registerBean("component" + i, RedisComponent.class,
								() -> mode.newComponent(application, redisUrl, true));
					}
				})) {
			List<RedisComponent> all = List.copyOf(context.getBeansOfType(RedisComponent.class).values());
			all.forEach(RedisComponent::useEveryRole);
			ChildJvm.say("READY");
			BufferedReader commands = ChildJvm.commands();
			for (String command; (command = commands.readLine()) != null && !command.equals("EXIT");) {
				if (command.equals("LOAD")) {
					ChildJvm.say("LOADING");
					AtomicLong started = new AtomicLong();
					LoadDriver.Result result = LoadDriver.run(LOAD_THREADS, Duration.ZERO, LOAD_BOUND,
							() -> started.get() >= operations, (thread, sequence) -> {
								if (started.incrementAndGet() == operations / 2) {
									ChildJvm.say("HALFWAY");
								}
								mixedOperation(all, thread, sequence);
							});
					if (result.firstError() != null) {
						System.err.println("First error of the load: " + result.firstError());
					}
					ChildJvm.say("LOADED " + result.opsPerSecond() + " " + result.errors());
				}
			}
		}
	}

	/**
	 * Mostly plain commands spread over every component and role, as applications send them, and
	 * every tenth a transaction, which needs a dedicated connection.
	 */
	private static void mixedOperation(List<RedisComponent> components, int thread, long sequence) {
		RedisComponent component = components.get((int) ((thread + sequence) % components.size()));
		if (sequence % 10 == 9) {
			TemplateClient.transaction(component.template(PoolRole.MASTER), "footprint:counter:" + thread, Workload.VALUE);
			return;
		}
		String key = "footprint:" + thread;
		PoolRole role = RedisComponent.ROLES.get((int) (sequence % RedisComponent.ROLES.size()));
		StringRedisTemplate template = component.template(role);
		if (role == PoolRole.MASTER) {
			template.opsForValue().set(key, Workload.VALUE);
		}
		else {
			template.opsForValue().get(key);
		}
	}

}
