package io.gdnode.pool.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata the build generates from {@link RedisPoolProperties} and
 * {@code META-INF/additional-spring-configuration-metadata.json}: what an IDE offers for every
 * {@code redis.*} key. Reads {@code META-INF/spring-configuration-metadata.json} from the classpath.
 */
class ConfigurationMetadataTests {

	/**
	 * The keys that have no default value, each because it falls back to another setting or
	 * because leaving it unset is what turns its feature off.
	 */
	private static final Map<String, String> WITHOUT_DEFAULT = Map.ofEntries(
			Map.entry("redis.url", "falls back to Spring Boot's Redis connection, then redis://localhost:6379"),
			Map.entry("redis.master.url", "falls back to redis.url"),
			Map.entry("redis.slave.url", "falls back to the master's URL"),
			Map.entry("redis.async.url", "falls back to the master's URL"),
			Map.entry("redis.client.name",
					"falls back to spring.data.redis.client-name, spring.application.name, then gd-node"),
			Map.entry("redis.ssl.bundle", "unset means no TLS unless a URL is rediss://"),
			Map.entry("redis.master.ssl.bundle", "falls back to redis.ssl.bundle"),
			Map.entry("redis.slave.ssl.bundle", "falls back to redis.ssl.bundle"),
			Map.entry("redis.async.ssl.bundle", "falls back to redis.ssl.bundle"),
			Map.entry("redis.local.ssl.bundle", "unset means no TLS unless the local URL is rediss://"),
			Map.entry("redis.sentinel.master", "unset means no Sentinel"),
			Map.entry("redis.sentinel.nodes", "unset means no Sentinel"),
			Map.entry("redis.sentinel.password", "unset means sentinels without a password"),
			Map.entry("redis.cluster.nodes", "unset means no Cluster"));

	private static final Set<Object> BOOLEAN_HINTS = Set.of(true, false, 1, 0);

	@Test
	void everyKeyHasADescription() throws IOException {
		assertThat(properties()).isNotEmpty().allSatisfy((property) -> assertThat(property.get("description"))
			.as("description of %s", property.get("name"))
			.asString()
			.isNotBlank());
	}

	@Test
	void everyKeyHasADefaultUnlessListedWithTheReasonItHasNone() throws IOException {
		assertThat(properties()).allSatisfy((property) -> {
			String name = (String) property.get("name");
			if (WITHOUT_DEFAULT.containsKey(name)) {
				assertThat(property.get("defaultValue")).as("default of %s", name).isNull();
				assertThat(defaultOf(name)).as("bound default of %s", name)
					.satisfiesAnyOf((value) -> assertThat(value).isNull(),
							(value) -> assertThat(value).asInstanceOf(InstanceOfAssertFactories.COLLECTION).isEmpty());
			}
			else {
				assertThat(property.get("defaultValue")).as("default of %s", name).isNotNull();
			}
		});
		assertThat(names()).containsAll(WITHOUT_DEFAULT.keySet());
	}

	@Test
	void everyDefaultInTheMetadataIsTheDefaultThePropertiesBind() throws IOException {
		for (Map<String, Object> property : properties()) {
			String name = (String) property.get("name");
			Object metadataDefault = property.get("defaultValue");
			if (metadataDefault != null) {
				String written = (metadataDefault instanceof Collection<?> values)
						? values.stream().map(String::valueOf).collect(Collectors.joining(","))
						: String.valueOf(metadataDefault);
				Object bound = new Binder(new MapConfigurationPropertySource(Map.of(name, written)))
					.bind(name, Bindable.of(typeOf(name)))
					.get();
				assertThat(bound).as("metadata default of %s", name).isEqualTo(defaultOf(name));
			}
		}
	}

	@Test
	void everyKeyWithAFixedSetOfValuesHasHintsForAllOfThem() throws IOException {
		List<String> enumLike = names().stream().filter((name) -> !fixedValues(name).isEmpty()).toList();
		assertThat(enumLike).contains("redis.slave.fallback", "redis.health.required", "redis.shared",
				"redis.master.pool.enabled", "redis.slave.discovery");
		for (String name : enumLike) {
			List<Object> hinted = hints(name);
			assertThat(hinted).as("hints of %s", name).containsExactlyInAnyOrderElementsOf(fixedValues(name));
		}
	}

	/**
	 * Return the values a key takes from a fixed set, as its hints should list them: an enum's
	 * constants in lower case, or true, false, 1 and 0 for a boolean; empty for other keys.
	 */
	private static Set<Object> fixedValues(String name) {
		ResolvableType type = typeOf(name);
		Class<?> element = (type.asCollection() != ResolvableType.NONE) ? type.asCollection().resolveGeneric(0)
				: type.resolve();
		if (element == boolean.class || element == Boolean.class) {
			return BOOLEAN_HINTS;
		}
		if (element != null && element.isEnum()) {
			return Arrays.stream(element.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
				.collect(Collectors.toSet());
		}
		return Set.of();
	}

	private static ResolvableType typeOf(String name) {
		return wrapper().getPropertyTypeDescriptor(path(name)).getResolvableType();
	}

	private static Object defaultOf(String name) {
		return wrapper().getPropertyValue(path(name));
	}

	private static BeanWrapper wrapper() {
		return PropertyAccessorFactory.forBeanPropertyAccess(new RedisPoolProperties());
	}

	/**
	 * Return the bean path of a key: {@code redis.cluster.refresh-period} is {@code cluster.refreshPeriod}.
	 */
	private static String path(String name) {
		String path = name.substring("redis.".length());
		StringBuilder camel = new StringBuilder();
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			camel.append((c == '-') ? Character.toUpperCase(path.charAt(++i)) : c);
		}
		return camel.toString();
	}

	private static List<Map<String, Object>> properties() throws IOException {
		return read("$.properties[?(@.name =~ /redis\\..*/)]");
	}

	private static List<String> names() throws IOException {
		return properties().stream().map((property) -> (String) property.get("name")).toList();
	}

	private static List<Object> hints(String name) throws IOException {
		List<Map<String, Object>> hints = read("$.hints[?(@.name == '" + name + "')]");
		assertThat(hints).as("hints of %s", name).hasSize(1);
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> values = (List<Map<String, Object>>) hints.get(0).get("values");
		return values.stream().map((value) -> value.get("value")).toList();
	}

	private static List<Map<String, Object>> read(String path) throws IOException {
		try (InputStream metadata = new ClassPathResource("META-INF/spring-configuration-metadata.json")
			.getInputStream()) {
			return JsonPath.read(metadata, path);
		}
	}

}
