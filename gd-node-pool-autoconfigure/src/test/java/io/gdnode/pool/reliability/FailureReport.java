package io.gdnode.pool.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * Collects what the fault-injection tests measured, one line per scenario, in
 * {@code target/failure-behaviour.md}: the table in {@code docs/failure-behaviour.md} is copied from it.
 */
final class FailureReport {

	private static final Path FILE = Path.of("target", "failure-behaviour.md");

	private FailureReport() {
	}

	/**
	 * Record one scenario's outcome.
	 * @param scenario the scenario, for example {@code "1. kill -9 under write load"}
	 * @param outcome what the application saw and how long it lasted, with the measured numbers
	 */
	static synchronized void record(String scenario, String outcome) {
		try {
			Files.createDirectories(FILE.getParent());
			Files.writeString(FILE, "| " + scenario + " | " + outcome + " |\n", StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Format a duration the way the report shows it: {@code 1.23 s} or {@code 45 ms}.
	 */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis >= 1000) ? String.format(Locale.ROOT, "%.2f s", millis / 1000.0) : millis + " ms";
	}

}
