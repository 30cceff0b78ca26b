package io.gdnode.pool.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the operating system and the JVM's native memory tracking say about a process, read from
 * outside it ({@code /proc/<pid>} and {@code jcmd}) so that measuring costs the process nothing.
 *
 * @param threads all threads of the process, JVM-internal ones included
 * @param redisClientThreads threads of the Redis clients: Lettuce's event loops and timers, the
 * starter's cleanup and the commons-pool2 evictor
 * @param rssKib resident set size ({@code VmRSS})
 * @param pssKib proportional set size ({@code Pss} of {@code smaps_rollup})
 * @param heapRssKib of the resident set, the Java heap's pages (those the collector has touched so far)
 * @param nmtCommittedKib everything the JVM has committed, by native memory tracking
 * @param nmtHeapKib of which the Java heap (fixed, the same in every mode)
 * @param nmtThreadKib of which thread stacks
 */
record ProcessSample(int threads, int redisClientThreads, long rssKib, long pssKib, long heapRssKib,
		long nmtCommittedKib, long nmtHeapKib, long nmtThreadKib) {

	private static final List<String> REDIS_CLIENT_THREAD_PREFIXES = List.of("lettuce-", "gd-node-pool",
			"commons-pool");

	private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

	/** The heap's address range in {@code GC.heap_info}: {@code ... heap total 262144K, used 1234K [0x..., 0x...)}. */
	private static final Pattern HEAP_RANGE = Pattern.compile("heap\\s+total.*?\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

	private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");

	static ProcessSample of(long pid) {
		Path proc = Path.of("/proc", String.valueOf(pid));
		String status = read(proc.resolve("status"));
		long threads = field(status, "Threads:");
		long rss = field(status, "VmRSS:");
		long pss = field(read(proc.resolve("smaps_rollup")), "Pss:");
		int redisThreads = redisClientThreads(proc.resolve("task"));
		// Attaching jcmd adds the JVM's attach listener thread, so threads are counted first.
		long heapRss = heapResidentKib(proc.resolve("smaps"), jcmd(pid, "GC.heap_info"));
		String nmt = jcmd(pid, "VM.native_memory", "summary", "scale=KB");
		Matcher total = NMT_TOTAL.matcher(nmt);
		long committed = total.find() ? Long.parseLong(total.group(2)) : -1;
		return new ProcessSample((int) threads, redisThreads, rss, pss, heapRss, committed,
				nmtCategory(nmt, "Java Heap"), nmtCategory(nmt, "Thread"));
	}

	long nmtNonHeapKib() {
		return this.nmtCommittedKib - this.nmtHeapKib;
	}

	long rssOutsideHeapKib() {
		return this.rssKib - this.heapRssKib;
	}

	/**
	 * Add up the resident pages of the mappings inside the heap's address range.
	 */
	private static long heapResidentKib(Path smaps, String heapInfo) {
		Matcher range = HEAP_RANGE.matcher(heapInfo);
		if (!range.find()) {
			return -1;
		}
		long heapStart = Long.parseUnsignedLong(range.group(1), 16);
		long heapEnd = Long.parseUnsignedLong(range.group(2), 16);
		long resident = 0;
		boolean inHeap = false;
		for (String line : read(smaps).split("\n")) {
			Matcher mapping = MAPPING.matcher(line);
			if (mapping.find()) {
				inHeap = Long.parseUnsignedLong(mapping.group(1), 16) >= heapStart
						&& Long.parseUnsignedLong(mapping.group(2), 16) <= heapEnd;
			}
			else if (inHeap && line.startsWith("Rss:")) {
				resident += field(line, "Rss:");
			}
		}
		return resident;
	}

	private static int redisClientThreads(Path tasks) {
		try (Stream<Path> list = Files.list(tasks)) {
			return (int) list.map((task) -> readOrEmpty(task.resolve("comm")).trim())
				.filter((name) -> REDIS_CLIENT_THREAD_PREFIXES.stream().anyMatch(name::startsWith))
				.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String jcmd(long pid, String... command) {
		List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
				String.valueOf(pid)));
		line.addAll(List.of(command));
		try {
			Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			return new String(output, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "";
		}
	}

	private static long nmtCategory(String summary, String category) {
		Matcher matcher = Pattern.compile("-\\s+" + Pattern.quote(category) + " \\(reserved=\\d+KB, committed=(\\d+)KB\\)")
			.matcher(summary);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
	}

	private static long field(String text, String name) {
		for (String line : text.split("\n")) {
			if (line.startsWith(name)) {
				return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
			}
		}
		return -1;
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String readOrEmpty(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			// The thread ended while we listed them.
			return "";
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
