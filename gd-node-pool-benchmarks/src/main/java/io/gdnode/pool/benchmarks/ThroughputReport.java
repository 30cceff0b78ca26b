package io.gdnode.pool.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * Section 3 of the report: operations per second and latency per client, workload and thread
 * count, their ratios, and the {@code redis-benchmark} ceiling.
 */
final class ThroughputReport {

	private final Options options;

	private final Measurements measurements;

	ThroughputReport(Options options, Measurements measurements) {
		this.options = options;
		this.measurements = measurements;
	}

	void write(Markdown out) {
		out.paragraph("## 3. Throughput and latency");
		out.paragraph("Every client runs in a JVM of its own (`" + String.join(" ", ThroughputBenchmark.JVM_ARGUMENTS)
				+ "`), fresh every repetition and warmed up on every workload first; its caller threads are in that "
				+ "JVM, Redis is on the same machine over loopback. At every point the clients take turns, "
				+ this.options.rounds(Workload.GET_SET) + " round(s) per repetition for GET/SET (whose ratios carry "
				+ "targets), " + this.options.rounds(Workload.MULTI_EXEC) + " for the others, each turn "
				+ this.options.warmup().toMillis() + " ms warm-up and " + this.options.measure().toMillis()
				+ " ms measured: " + this.options.repetitions() * this.options.rounds(Workload.GET_SET) + " and "
				+ this.options.repetitions() * this.options.rounds(Workload.MULTI_EXEC) + " samples per cell, and a "
				+ "ratio pairs the turns of one round, taken seconds apart. Latencies are the median of the samples' "
				+ "percentiles. An operation is one command (GET/SET), one transaction or one push-and-pop. Pools hold "
				+ "at most " + CommonsPoolClient.POOL_SIZE + " connections: the starter's master default for its "
				+ "dedicated connections (plus its shared one and the one its transactions share), Spring Boot's "
				+ "`max-active` (its shared connection included) and the raw pool set to match. Raw Lettuce on one shared connection cannot run transactions or blocking "
				+ "pops from many threads, and the slave template (here on the same Redis) is measured for GET/SET only.");
		for (Workload workload : Workload.values()) {
			out.paragraph("### " + workload.label() + ", operations per second");
			List<List<String>> rates = new ArrayList<>();
			List<List<String>> latencies = new ArrayList<>();
			for (ClientKind kind : ClientKind.values()) {
				if (kind.workloads().contains(workload)) {
					rates.add(rateRow(kind.label(), "throughput", kind, workload));
					latencies.add(latencyRow(kind.label(), "throughput", kind, workload));
				}
			}
			out.table(threadHeader("client"), rates);
			out.paragraph("Latency p50 / p99 in µs:");
			out.table(threadHeader("client"), latencies);
		}
		out.paragraph("### Ratios of operations per second, paired by round");
		out.table(threadHeader("ratio"), List.of(
				ratioRow(ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE, Workload.GET_SET),
				ratioRow(ClientKind.STARTER_MASTER, ClientKind.LETTUCE, Workload.GET_SET),
				ratioRow(ClientKind.BOOT_TEMPLATE, ClientKind.LETTUCE, Workload.GET_SET),
				ratioRow(ClientKind.STARTER_SLAVE, ClientKind.BOOT_TEMPLATE, Workload.GET_SET),
				ratioRow(ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE, Workload.MULTI_EXEC),
				ratioRow(ClientKind.STARTER_MASTER, ClientKind.COMMONS_POOL, Workload.MULTI_EXEC),
				ratioRow(ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE, Workload.BLPOP),
				ratioRow(ClientKind.STARTER_MASTER, ClientKind.COMMONS_POOL, Workload.BLPOP)));
		out.paragraph("### Ceiling: `redis-benchmark` at the same concurrency");
		out.paragraph("`redis-benchmark -t set,get -d " + Workload.VALUE.length() + " -c <threads>`, without and with "
				+ "pipelining (`-P " + ThroughputBenchmark.PIPELINE + "`), in the same repetitions as the clients; SET "
				+ "and GET combined as an alternating load sees them (harmonic mean of the rates, mean of the "
				+ "percentiles). It is single-threaded C with one connection per client, so it is the ceiling of the "
				+ "server and the loopback, not of a JVM client.");
		List<List<String>> rows = new ArrayList<>();
		for (int pipeline : List.of(1, ThroughputBenchmark.PIPELINE)) {
			rows.add(rateRow("ops/s, -P " + pipeline, "ceiling", pipeline, Workload.GET_SET));
			rows.add(latencyRow("p50 / p99 µs, -P " + pipeline, "ceiling", pipeline, Workload.GET_SET));
		}
		out.table(threadHeader("redis-benchmark"), rows);
	}

	private List<String> rateRow(String label, Object section, Object what, Workload workload) {
		List<String> row = new ArrayList<>(List.of(label));
		for (int threads : this.options.threadCounts()) {
			row.add(Cells.rate(this.measurements.summary(section, what, workload, threads, "opsPerSecond")));
		}
		return row;
	}

	private List<String> latencyRow(String label, Object section, Object what, Workload workload) {
		List<String> row = new ArrayList<>(List.of(label));
		for (int threads : this.options.threadCounts()) {
			Summary p50 = this.measurements.summary(section, what, workload, threads, "p50Micros");
			Summary p99 = this.measurements.summary(section, what, workload, threads, "p99Micros");
			row.add(p50.isEmpty() ? Cells.NONE : Cells.micros(p50) + " / " + Cells.micros(p99));
		}
		return row;
	}

	private List<String> ratioRow(ClientKind numerator, ClientKind denominator, Workload workload) {
		List<String> row = new ArrayList<>(
				List.of(workload.label() + ": " + numerator.label() + " / " + denominator.label()));
		for (int threads : this.options.threadCounts()) {
			row.add(Cells.ratio(this.measurements.ratio(
					new Object[] { "throughput", numerator, workload, threads, "opsPerSecond" },
					new Object[] { "throughput", denominator, workload, threads, "opsPerSecond" })));
		}
		return row;
	}

	private List<String> threadHeader(String first) {
		List<String> header = new ArrayList<>(List.of(first));
		this.options.threadCounts().forEach((threads) -> header.add(threads + " thread" + ((threads == 1) ? "" : "s")));
		return header;
	}

}
