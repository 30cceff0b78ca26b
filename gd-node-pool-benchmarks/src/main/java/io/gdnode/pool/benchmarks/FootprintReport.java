package io.gdnode.pool.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.gdnode.pool.benchmarks.FootprintBenchmark.Phase;

/**
 * Sections 1 and 2 of the report: connections, threads and memory per mode, phase and N.
 */
final class FootprintReport {

	private final Options options;

	private final Measurements measurements;

	FootprintReport(Options options, Measurements measurements) {
		this.options = options;
		this.measurements = measurements;
	}

	void connectionsAndThreads(Markdown out) {
		out.paragraph("## 1. Connections and threads");
		out.paragraph("N application components each want a master, a slave and a local Redis (all three on the "
				+ "harness's Redis here). Each mode is a real Spring Boot application (no web server) with N component "
				+ "beans:");
		for (ApplicationMode mode : ApplicationMode.values()) {
			out.line("- " + mode.label() + ": " + mode.description() + ".");
		}
		out.line();
		out.paragraph("Connections are counted by the server (`INFO clients`, less the harness's own connection; "
				+ "grouped by client name from `CLIENT LIST` below); threads by the kernel (`/proc/<pid>/status`), "
				+ "Redis client threads by name (`lettuce-*`, the starter's `gd-node-pool-cleanup`, commons-pool2's "
				+ "evictor).");
		for (Phase phase : Phase.values()) {
			out.paragraph("### " + Markdown.capitalised(phase.description()));
			List<String> header = new ArrayList<>(List.of("mode"));
			for (String what : List.of("connections", "Redis client threads", "all threads")) {
				this.options.componentCounts().forEach((n) -> header.add(what + ", N = " + n));
			}
			List<List<String>> rows = new ArrayList<>();
			for (ApplicationMode mode : ApplicationMode.values()) {
				List<String> row = new ArrayList<>(List.of(mode.label()));
				for (String metric : List.of("connections", "redisClientThreads", "threads")) {
					this.options.componentCounts().forEach((n) -> row.add(Cells.count(summary(mode, n, phase, metric))));
				}
				rows.add(row);
			}
			out.table(header, rows);
		}
		int n = this.options.componentCounts().contains(10) ? 10 : this.options.componentCounts().get(0);
		out.paragraph("### Connections by client name (`CLIENT LIST`), N = " + n);
		List<String> header = new ArrayList<>(List.of("mode"));
		List.of(Phase.values()).forEach((phase) -> header.add(phase.title()));
		List<List<String>> rows = new ArrayList<>();
		for (ApplicationMode mode : ApplicationMode.values()) {
			List<String> row = new ArrayList<>(List.of(mode.label()));
			for (Phase phase : Phase.values()) {
				String names = this.measurements.namesUnder("footprint", mode, n, phase, "clients")
					.stream()
					.map((name) -> "`" + name + "` " + Cells.count(summary(mode, n, phase, "clients", name)))
					.collect(Collectors.joining(", "));
				row.add(names.isEmpty() ? "none" : names);
			}
			rows.add(row);
		}
		out.table(header, rows);
	}

	void memory(Markdown out) {
		out.paragraph("## 2. Memory");
		out.paragraph("The same applications, measured from outside: RSS (`VmRSS` of `/proc/<pid>/status`), of which "
				+ "the Java heap's resident pages (the `Rss` of `/proc/<pid>/smaps` inside the heap's range from `jcmd "
				+ "<pid> GC.heap_info`: with a fixed heap, how much of it the collector has touched so far), PSS (`Pss` "
				+ "of `/proc/<pid>/smaps_rollup`) and native memory tracking (`jcmd <pid> VM.native_memory summary`: "
				+ "everything the JVM committed except the Java heap, and of that the thread stacks). JVM flags: `"
				+ String.join(" ", FootprintBenchmark.JVM_ARGUMENTS) + "` (a fixed heap, so that no mode chooses its "
				+ "heap size). The load is " + String.format(Locale.ROOT, "%,d", this.options.footprintOperations())
				+ " operations at full speed, and a mode is measured when half of them have started: at the same "
				+ "point of the same work, since the heap's resident pages grow with what the application has "
				+ "allocated so far, and a mode measured after a fixed time would be charged for having served more.");
		for (Phase phase : List.of(Phase.IDLE, Phase.LOAD)) {
			out.paragraph("### " + Markdown.capitalised(phase.description()));
			List<List<String>> rows = new ArrayList<>();
			for (int n : this.options.componentCounts()) {
				for (ApplicationMode mode : ApplicationMode.values()) {
					List<String> row = new ArrayList<>(List.of(String.valueOf(n), mode.label(),
							Cells.decimal(summary(mode, n, phase, "rssMib")), againstNaive(mode, n, phase, "rssMib"),
							Cells.decimal(summary(mode, n, phase, "heapRssMib")),
							Cells.decimal(summary(mode, n, phase, "rssOutsideHeapMib")),
							againstNaive(mode, n, phase, "rssOutsideHeapMib"), Cells.decimal(summary(mode, n, phase, "pssMib")),
							Cells.decimal(summary(mode, n, phase, "nmtNonHeapMib")),
							Cells.decimal(summary(mode, n, phase, "nmtThreadMib"))));
					if (phase == Phase.LOAD) {
						// The work is the same for every mode; the rate shows how fast each did it.
						row.add(Cells.rate(summary(mode, n, phase, "opsPerSecond")) + " / "
								+ Cells.count(summary(mode, n, phase, "errors")));
					}
					rows.add(row);
				}
			}
			List<String> header = new ArrayList<>(List.of("N", "mode", "RSS MiB", "RSS vs (a)", "of which Java heap MiB",
					"RSS outside the heap MiB", "outside the heap vs (a)", "PSS MiB", "NMT non-heap MiB",
					"NMT thread stacks MiB"));
			if (phase == Phase.LOAD) {
				header.add("load served: ops/s / errors");
			}
			out.table(header, rows);
		}
	}

	private String againstNaive(ApplicationMode mode, int n, Phase phase, String metric) {
		return Cells.ratio(this.measurements.ratio(new Object[] { "footprint", mode, n, phase, metric },
				new Object[] { "footprint", ApplicationMode.NAIVE, n, phase, metric }));
	}

	private Summary summary(ApplicationMode mode, int n, Phase phase, String... metric) {
		return this.measurements.summary(Measurements.under(new Object[] { "footprint", mode, n, phase }, (Object[]) metric));
	}

}
