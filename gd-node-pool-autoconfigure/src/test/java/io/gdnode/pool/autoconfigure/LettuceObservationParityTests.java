package io.gdnode.pool.autoconfigure;

import java.util.Set;
import java.util.TreeSet;

import io.gdnode.pool.localredis.LocalRedisExtension;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that Spring Boot's Lettuce observations (which arrive as a
 * {@code ClientResourcesBuilderCustomizer}) record the same meters for the same commands with
 * the starter as with Spring Boot's own Redis auto-configuration, each against a real Redis.
 */
class LettuceObservationParityTests {

	private static final Set<String> COMMANDS = Set.of("SET", "GET", "DEL");

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private final ApplicationContextRunner plainBoot = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				LettuceObservationAutoConfiguration.class, ObservationAutoConfiguration.class,
				MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.url=" + redis.url());

	private final ApplicationContextRunner withStarter = this.plainBoot
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class))
		.withPropertyValues("redis.url=" + redis.url());

	@Test
	void starterRecordsTheSameLettuceMetersAsPlainSpringBoot() {
		Set<String> plain = new TreeSet<>();
		Set<String> starter = new TreeSet<>();
		this.plainBoot.run((context) -> plain.addAll(commandMeters(context.getBean(StringRedisTemplate.class),
				context.getBean(MeterRegistry.class))));
		this.withStarter.run((context) -> starter.addAll(commandMeters(context.getBean(StringRedisTemplate.class),
				context.getBean(MeterRegistry.class))));
		assertThat(plain).contains("lettuce{db.operation=SET}", "lettuce{db.operation=GET}",
				"lettuce{db.operation=DEL}", "lettuce.active{db.operation=SET}");
		assertThat(starter).isEqualTo(plain);
	}

	/**
	 * Run the same commands and return the Lettuce meters they left, as {@code name{tag=value}}
	 * per meter and tag that names one of those commands.
	 */
	private static Set<String> commandMeters(StringRedisTemplate template, MeterRegistry registry) {
		template.opsForValue().set("observed", "1");
		assertThat(template.opsForValue().get("observed")).isEqualTo("1");
		template.delete("observed");
		Set<String> meters = new TreeSet<>();
		for (Meter meter : registry.getMeters()) {
			Meter.Id id = meter.getId();
			if (id.getName().startsWith("lettuce")) {
				id.getTags()
					.stream()
					.filter((tag) -> COMMANDS.contains(tag.getValue()))
					.forEach((tag) -> meters.add(id.getName() + "{" + tag.getKey() + "=" + tag.getValue() + "}"));
			}
		}
		return meters;
	}

}
