package io.gdnode.pool.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link BooleanNumberConverter}: the conversion itself, and in an application context
 * that the YAML numbers {@code 1} and {@code 0} bind to
 * {@code redis.*} booleans, and every other boolean of the application binds exactly as without
 * the starter. The other properties are Spring Boot's own {@link TaskExecutionProperties}: a
 * {@code @ConfigurationProperties} class of the test sources would get configuration metadata
 * generated that hides the starter's from {@code RedisPoolPropertiesTests}.
 */
class BooleanNumberConverterTests {

	private static final String OTHER_BOOLEAN = "spring.task.execution.pool.allow-core-thread-timeout";

	private final ApplicationContextRunner withoutStarter = new ApplicationContextRunner()
		.withUserConfiguration(OtherApplication.class);

	private final ApplicationContextRunner withStarter = this.withoutStarter
		.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class));

	private final BooleanNumberConverter converter = new BooleanNumberConverter();

	@Test
	void convertsOneAndZeroToTrueAndFalse() {
		TypeDescriptor marked = field("marked");
		assertThat(this.converter.convert(1, TypeDescriptor.valueOf(Integer.class), marked)).isEqualTo(true);
		assertThat(this.converter.convert(0, TypeDescriptor.valueOf(Integer.class), marked)).isEqualTo(false);
		assertThat(this.converter.convert(null, TypeDescriptor.valueOf(Integer.class), marked)).isNull();
	}

	@Test
	void refusesOtherNumbersSayingWhichStandForTrueAndFalse() {
		for (int number : new int[] { 2, -1, 10 }) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.converter.convert(number, TypeDescriptor.valueOf(Integer.class), field("marked")))
				.withMessage("Only 1 and 0 stand for true and false, not " + number);
		}
	}

	@Test
	void appliesToMarkedBooleansOnlyAndConvertsIntegersToBooleans() {
		TypeDescriptor integer = TypeDescriptor.valueOf(Integer.class);
		assertThat(this.converter.matches(integer, field("marked"))).isTrue();
		assertThat(this.converter.matches(integer, field("unmarked"))).isFalse();
		assertThat(this.converter.getConvertibleTypes())
			.containsExactly(new GenericConverter.ConvertiblePair(Integer.class, Boolean.class));
	}

	@Test
	void yamlNumbersOneAndZeroBindToRedisBooleans() {
		this.withStarter
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("application.yml", Map.of("redis.shared", 0,
						"redis.master.pool.enabled", 0, "redis.slave.pool.enabled", 1, "redis.async.pool.enabled", 0))))
			.run((context) -> {
				RedisPoolProperties properties = context.getBean(RedisPoolProperties.class);
				assertThat(properties.isShared()).isFalse();
				assertThat(properties.getMaster().getPool().isEnabled()).isFalse();
				assertThat(properties.getSlave().getPool().isEnabled()).isTrue();
				assertThat(properties.getAsync().getPool().isEnabled()).isFalse();
			});
	}

	@Test
	void otherPropertiesBooleansBindAsWithoutTheStarter() {
		// Strings, as every environment variable is, and numbers, as YAML gives 1 and 0.
		for (Object value : new Object[] { "1", "0", "true", 1, 0, 2 }) {
			assertThat(outcome(this.withStarter, value)).as("%s=%s (%s)", OTHER_BOOLEAN, value, value.getClass())
				.isEqualTo(outcome(this.withoutStarter, value));
		}
		// What Spring Boot itself does: "1" is true, the number 1 is refused.
		assertThat(outcome(this.withoutStarter, "1")).isEqualTo("true");
		assertThat(outcome(this.withoutStarter, 1)).startsWith("failed: ");
	}

	private static String outcome(ApplicationContextRunner runner, Object value) {
		String[] outcome = new String[1];
		runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("application.yml", Map.of(OTHER_BOOLEAN, value))))
			.run((context) -> outcome[0] = (context.getStartupFailure() != null)
					? "failed: " + rootCause(context.getStartupFailure()).getClass().getName()
					: String.valueOf(context.getBean(TaskExecutionProperties.class).getPool().isAllowCoreThreadTimeout()));
		return outcome[0];
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static TypeDescriptor field(String name) {
		return new TypeDescriptor(ReflectionUtils.findField(Fields.class, name));
	}

	/** Booleans with and without the mark. */
	static class Fields {

		@NumericBoolean
		boolean marked;

		boolean unmarked;

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(TaskExecutionProperties.class)
	static class OtherApplication {

	}

}
