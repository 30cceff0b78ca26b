package io.gdnode.pool.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every number a run measured, by what it is (a path of names, such as
 * {@code footprint/STARTER/10/IDLE/connections}) and the repetition it came from.
 */
final class Measurements {

	private final Map<String, Map<Integer, Double>> values = new LinkedHashMap<>();

	static String key(Object... parts) {
		return Stream.of(parts).map(String::valueOf).collect(Collectors.joining("/"));
	}

	/**
	 * Return the key parts of {@code at} followed by {@code more}.
	 */
	static Object[] under(Object[] at, Object... more) {
		Object[] key = Arrays.copyOf(at, at.length + more.length);
		System.arraycopy(more, 0, key, at.length, more.length);
		return key;
	}

	synchronized void put(int repetition, double value, Object... key) {
		this.values.computeIfAbsent(key(key), (ignored) -> new TreeMap<>()).put(repetition, value);
	}

	synchronized Summary summary(Object... key) {
		return Summary.of(this.values.getOrDefault(key(key), Map.of()).values());
	}

	/**
	 * Return every value, of every repetition, whose key starts and ends with the given names,
	 * such as every turn's {@code compileMillis} under {@code throughput}.
	 */
	synchronized Summary summaryOfAll(String first, String last) {
		List<Double> all = new ArrayList<>();
		this.values.forEach((key, byRepetition) -> {
			if (key.startsWith(first + "/") && key.endsWith("/" + last)) {
				all.addAll(byRepetition.values());
			}
		});
		return Summary.of(all);
	}

	/**
	 * Return the ratio of two quantities, repetition by repetition, so that runs made side by side
	 * are compared with each other and not with runs made minutes apart on a noisy machine.
	 */
	synchronized Summary ratio(Object[] numerator, Object[] denominator) {
		Map<Integer, Double> top = this.values.getOrDefault(key(numerator), Map.of());
		Map<Integer, Double> bottom = this.values.getOrDefault(key(denominator), Map.of());
		List<Double> ratios = new ArrayList<>();
		top.forEach((repetition, value) -> {
			Double other = bottom.get(repetition);
			if (other != null && other != 0) {
				ratios.add(value / other);
			}
		});
		return Summary.of(ratios);
	}

	/**
	 * Return the last names of every key that starts with the given names, for example the client
	 * names seen under {@code footprint/STARTER/10/IDLE/clients}.
	 */
	synchronized List<String> namesUnder(Object... prefix) {
		String start = key(prefix) + "/";
		return this.values.keySet()
			.stream()
			.filter((key) -> key.startsWith(start))
			.map((key) -> key.substring(start.length()))
			.distinct()
			.sorted()
			.toList();
	}

	synchronized void writeCsv(Path file) throws IOException {
		List<String> lines = new ArrayList<>();
		lines.add("key,repetition,value");
		this.values.forEach((key, byRepetition) -> byRepetition
			.forEach((repetition, value) -> lines.add(key + "," + repetition + "," + value)));
		Files.createDirectories(file.getParent());
		Files.write(file, lines, StandardCharsets.UTF_8);
	}

}
