package io.gdnode.pool.actuate;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.util.ReflectionUtils;

/**
 * The JSON shape of the statistics the endpoint reports: each record as an object with its
 * components in declaration order, named in snake case ({@code idleTime} as {@code idle_time}),
 * so that the statistics themselves stay plain values.
 */
final class StatsJson {

	/** Keys the endpoint has always reported under a shorter name. */
	private static final Map<String, String> RENAMED = Map.of("acquireMillis", "acquire_ms");

	private StatsJson() {
	}

	/**
	 * Return the value as maps, lists and plain values, ready for the endpoint's JSON.
	 * @param value a record, map, list or plain value
	 * @return its JSON shape
	 */
	static Object of(Object value) {
		if (value instanceof Record record) {
			Map<String, Object> fields = new LinkedHashMap<>();
			for (RecordComponent component : record.getClass().getRecordComponents()) {
				Object field = ReflectionUtils.invokeMethod(component.getAccessor(), record);
				fields.put(key(component.getName()), of(field));
			}
			return fields;
		}
		if (value instanceof Map<?, ?> map) {
			Map<Object, Object> entries = new LinkedHashMap<>();
			map.forEach((key, entry) -> entries.put(key, of(entry)));
			return entries;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(StatsJson::of).toList();
		}
		return value;
	}

	private static String key(String component) {
		String renamed = RENAMED.get(component);
		return (renamed != null) ? renamed : component.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
	}

}
