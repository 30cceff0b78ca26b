package io.gdnode.pool.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.gdnode.pool.localredis.LocalRedisServer;
import io.lettuce.core.RedisClient;
import org.apache.commons.pool2.impl.GenericObjectPool;

import org.springframework.boot.SpringBootVersion;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * What the numbers were measured on and with, for the report: the machine, the versions and the
 * git revision.
 */
final class MachineFacts {

	private MachineFacts() {
	}

	static Map<String, String> collect(LocalRedisServer redis) {
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("git revision", gitRevision());
		facts.put("CPU", firstValue(Path.of("/proc/cpuinfo"), "model name") + ", `nproc` = " + run("nproc"));
		facts.put("memory", memory());
		facts.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version"));
		facts.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		facts.put("Redis", "redis-server " + RedisCounters.field(redis.command("INFO", "server"), "redis_version") + ", "
				+ run("redis-benchmark", "--version"));
		facts.put("libraries", "Spring Boot " + SpringBootVersion.getVersion() + ", Spring Data Redis "
				+ version(StringRedisTemplate.class) + ", Lettuce " + version(RedisClient.class) + ", commons-pool2 "
				+ version(GenericObjectPool.class));
		facts.put("load average at start", loadAverage());
		return facts;
	}

	private static String memory() {
		String total = firstValue(Path.of("/proc/meminfo"), "MemTotal");
		if (!total.endsWith(" kB")) {
			return total;
		}
		return String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(total.replace(" kB", "")) / 1024.0 / 1024.0);
	}

	static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2] + " (1, 5, 15 min)";
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static String gitRevision() {
		String revision = run("git", "rev-parse", "--short", "HEAD");
		String status = run("git", "status", "--porcelain");
		if (status.isEmpty()) {
			return revision;
		}
		return revision + " (dirty: " + status.split("\n").length + " changed or untracked paths)";
	}

	private static String version(Class<?> type) {
		String version = type.getPackage().getImplementationVersion();
		if (version != null) {
			return version;
		}
		// No manifest version: the jar's name carries it.
		String jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().getPath()).getFileName().toString();
		return jar.replaceFirst("^[a-z0-9-]+?-(?=\\d)", "").replaceFirst("\\.jar$", "");
	}

	private static String firstValue(Path file, String field) {
		try {
			return Files.readAllLines(file, StandardCharsets.UTF_8)
				.stream()
				.filter((line) -> line.startsWith(field))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown");
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static String run(String... command) {
		try {
			Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 ? output : "unknown";
		}
		catch (IOException ex) {
			return "unknown";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

}
