package io.gdnode.pool.benchmarks;

import java.io.BufferedReader;
import java.time.Duration;
import java.util.List;

import io.gdnode.pool.registry.PoolRole;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The measured application of the footprint benchmark: a Spring Boot application with N
 * components in one {@link ApplicationMode}. It opens their connections, says {@code READY}, and
 * runs a load when the runner says {@code LOAD}; the runner measures it from outside.
 * <p>
 * Arguments: mode, number of components, Redis URL, load duration (ISO-8601).
 */
public final class FootprintApplication {

	/** Caller threads of the load: more than the cores, as in a servlet container under load. */
	static final int LOAD_THREADS = 16;

	private FootprintApplication() {
	}

	public static void main(String[] args) throws Exception {
		ChildJvm.limitLifetime();
		ApplicationMode mode = ApplicationMode.valueOf(args[0]);
		int components = Integer.parseInt(args[1]);
		String redisUrl = args[2];
		Duration loadTime = Duration.parse(args[3]);
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
					LoadDriver.Result result = LoadDriver.run(LOAD_THREADS, Duration.ZERO, loadTime,
							(thread, sequence) -> mixedOperation(all, thread, sequence));
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
