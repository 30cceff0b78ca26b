package io.gdnode.pool.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A measured JVM, started fresh for each mode so that its threads and memory are its own, and
 * the line protocol between it and the runner: the child says protocol lines on stdout with a
 * prefix (anything else it prints goes to its log), the runner answers with commands on stdin.
 */
final class ChildJvm implements AutoCloseable {

	private static final String PREFIX = "@@ ";

	/** No child outlives this, whatever happens to the runner. */
	private static final Duration MAX_LIFETIME = Duration.ofMinutes(10);

	private static final String END_OF_OUTPUT = "\u0000end";

	private final Process process;

	private final BlockingQueue<String> said = new LinkedBlockingQueue<>();

	private final PrintWriter commands;

	private ChildJvm(Process process, Path log) throws IOException {
		this.process = process;
		this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
		Writer logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
		Thread reader = new Thread(() -> copyOutput(logWriter), "child-" + process.pid() + "-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Start {@code java <jvmArguments> -cp <this classpath> <mainClass> <arguments>}.
	 */
	static ChildJvm start(Path log, List<String> jvmArguments, Class<?> mainClass, List<String> arguments) {
		return start(log, jvmArguments, mainClass, arguments, Map.of());
	}

	/**
	 * Start {@code java <jvmArguments> -cp <this classpath> <mainClass> <arguments>} with these
	 * environment variables on top of the runner's.
	 */
	static ChildJvm start(Path log, List<String> jvmArguments, Class<?> mainClass, List<String> arguments,
			Map<String, String> environment) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmArguments);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass.getName());
		command.addAll(arguments);
		try {
			Files.createDirectories(log.getParent());
			Files.writeString(log, environment.entrySet().stream().map((variable) -> variable + " ").collect(
					Collectors.joining()) + String.join(" ", jvmArguments) + " " + mainClass.getSimpleName() + " "
					+ String.join(" ", arguments) + "\n", StandardCharsets.UTF_8);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			builder.environment().putAll(environment);
			Process process = builder.start();
			return new ChildJvm(process, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start a benchmark JVM", ex);
		}
	}

	long pid() {
		return this.process.pid();
	}

	void send(String command) {
		this.commands.println(command);
	}

	/**
	 * Wait for the child to say a line starting with {@code word}.
	 * @return the rest of the line
	 */
	String await(String word, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			String line = this.said.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (line == null || line.equals(END_OF_OUTPUT)) {
				throw new IllegalStateException("The benchmark JVM " + ((line == null) ? "did not say '" + word
						+ "' within " + timeout : "exited before saying '" + word + "'") + "; see its log");
			}
			if (line.equals(word) || line.startsWith(word + " ")) {
				return line.substring(word.length()).trim();
			}
		}
	}

	boolean waitForExit(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() throws InterruptedException {
		this.commands.close();
		if (!waitForExit(Duration.ofSeconds(10))) {
			this.process.destroy();
			if (!waitForExit(Duration.ofSeconds(5))) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
	}

	private void copyOutput(Writer log) {
		try (log; BufferedReader output = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line; (line = output.readLine()) != null;) {
				log.write(line);
				log.write('\n');
				if (line.startsWith(PREFIX)) {
					this.said.add(line.substring(PREFIX.length()));
				}
			}
		}
		catch (IOException ex) {
			// The child has gone; the waiting side learns it from the end marker.
		}
		finally {
			this.said.add(END_OF_OUTPUT);
		}
	}

	// The child's side of the protocol.

	/**
	 * Say a protocol line to the runner.
	 */
	static void say(String line) {
		System.out.println(PREFIX + line);
		System.out.flush();
	}

	/**
	 * Return the runner's commands, one a line; the stream ends when the runner has gone.
	 */
	static BufferedReader commands() {
		return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
	}

	/**
	 * End this JVM after the longest lifetime a child may have, so that no child outlives a lost runner.
	 */
	static void limitLifetime() {
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(MAX_LIFETIME.toMillis());
				System.err.println("Benchmark JVM still running after " + MAX_LIFETIME + ": halting");
				Runtime.getRuntime().halt(3);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "benchmark-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

}
