package io.gdnode.pool.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Section 3 of the report: operations per second, latency and cost (connections, client and
 * server CPU) per client, workload and point, their ratios, and the {@code redis-benchmark} ceiling.
 */
final class ThroughputReport {

	/** What each ratio's metric is called in the report. */
	private static final Map<String, String> METRICS = Map.of("opsPerSecond", "ops/s", "redisCpuMicrosPerCommand",
			"Redis CPU per command", "redisCpuMicrosPerOp", "Redis CPU per operation", "clientCpuMicrosPerOp",
			"client CPU per operation");

	private final Options options;

	private final Measurements measurements;

	ThroughputReport(Options options, Measurements measurements) {
		this.options = options;
		this.measurements = measurements;
	}

	/**
	 * A ratio the report shows: a metric of one client over the same metric of another, paired by round.
	 */
	private record Ratio(String metric, ClientKind numerator, ClientKind denominator) {

	}

	/**
	 * Say what settling took and how much the JIT compiler still ran in the measured turns.
	 */
	private String compiling() {
		Summary first = this.measurements.summaryOfAll("throughput", "firstSettlingCompileMillis");
		Summary turns = this.measurements.summaryOfAll("throughput", "settlingTurns");
		Summary measured = this.measurements.summaryOfAll("throughput", "compileMillis");
		if (first.isEmpty() || measured.isEmpty()) {
			return "";
		}
		return String.format(Locale.ROOT, "The first settling turn at a point compiled for %.0f ms at the median "
				+ "(%.0f ms at most); settling took %.0f turns at the median (%.0f at most); the measured turns then "
				+ "compiled for %.0f ms at the median (%.0f ms at most).", first.median(), first.max(), turns.median(),
				turns.max(), measured.median(), measured.max());
	}

	void write(Markdown out) {
		out.paragraph("## 3. Throughput and latency");
		out.paragraph("Every client runs in a JVM of its own (`" + String.join(" ", ThroughputBenchmark.JVM_ARGUMENTS)
				+ "`) against a `redis-server` of its own, both fresh every repetition, the JVM warmed up on every "
				+ "workload first (a workload driven by one thread also in ten turns at 64 in flight); its callers are "
				+ "in that JVM, Redis is on the same machine over loopback. At every point, every client first runs "
				+ "unmeasured turns there until the JIT compiler is quiet (a turn with under "
				+ ThroughputApplication.QUIET_COMPILATION.toMillis() + " ms of compiling, at most "
				+ ThroughputApplication.MOST_SETTLING_TURNS + " turns): on two cores the compiler competes with the "
				+ "client. " + compiling() + " Then the clients take turns, " + this.options.rounds(Workload.GET_SET) + " round(s) per repetition "
				+ "for plain, reactive and async GET/SET (whose ratios carry targets), "
				+ this.options.rounds(Workload.MULTI_EXEC) + " for the others, each turn "
				+ this.options.warmup().toMillis() + " ms warm-up and " + this.options.measure().toMillis()
				+ " ms measured: " + this.options.repetitions() * this.options.rounds(Workload.GET_SET) + " and "
				+ this.options.repetitions() * this.options.rounds(Workload.MULTI_EXEC) + " samples per cell, and a "
				+ "ratio pairs the turns of one round, taken seconds apart. Latencies are the median of the samples' "
				+ "percentiles. An operation is one command (GET/SET), one transaction or one push-and-pop. Pools hold "
				+ "at most " + CommonsPoolClient.POOL_SIZE + " connections: the starter's master default for its "
				+ "dedicated connections (plus its shared one and the one its transactions share), Spring Boot's "
				+ "`max-active` (its shared connection included) and the raw pool set to match; the starter's async "
				+ "pool has its defaults. Raw Lettuce on one shared connection cannot run transactions or blocking "
				+ "pops from many threads, and the slave template (here on the same Redis) is measured for GET/SET only.");
		out.paragraph("Plain GET/SET, transactions and blocking pops run on caller threads, each with a key of its own. "
				+ "The reactive workload is `Flux.generate(...).flatMap(operation, N)` on one subscriber, N operations in "
				+ "flight; the async one is one thread that starts an operation whenever fewer than N are in flight "
				+ "and never waits for a reply. Both SET or GET (half each, at random) one of " + Workload.KEYS
				+ " keys, with a " + Workload.VALUE.length() + "-byte value.");
		out.paragraph("What a point costs: the connections open on the client's Redis halfway through the measured "
				+ "time (`CLIENT LIST`), idle pooled ones included (a JVM warms up on all its workloads first, so the "
				+ "templates' pools still hold the dedicated connections their transactions and blocking pops opened); "
				+ "the CPU time of the client's whole JVM per operation in the measured time "
				+ "(`getProcessCpuTime`: caller threads, event loops, collector and compiler); the share of the "
				+ "measured time the client's busiest event-loop thread was on a CPU (`getThreadCpuTime`: near 100% it "
				+ "bounds what its connections carry, well below it something else does); the server's CPU "
				+ "(`used_cpu_sys` + `used_cpu_user` of `INFO cpu`) per command (`total_commands_processed` of "
				+ "`INFO stats`) and per operation the client sent, the commands per operation (more than 1 for a "
				+ "transaction, or when a client adds commands of its own), and the commands the server took in per "
				+ "socket read (`total_reads_processed`): more than 1 when a client sent several commands in one write. "
				+ "The server's numbers are differences over the whole turn, its warm-up included. "
				+ "The client's turn is the only load its Redis has.");
		for (Workload workload : Workload.values()) {
			out.paragraph("### " + workload.label() + ", operations per second");
			List<List<String>> rates = new ArrayList<>();
			List<List<String>> latencies = new ArrayList<>();
			List<List<String>> costs = new ArrayList<>();
			List<List<String>> serverCosts = new ArrayList<>();
			for (ClientKind kind : ClientKind.values()) {
				if (kind.workloads().contains(workload)) {
					rates.add(rateRow(kind.label(), "throughput", kind, workload));
					latencies.add(latencyRow(kind.label(), "throughput", kind, workload));
					costs.add(costRow(kind, workload, "connections", "%.0f", "clientCpuMicrosPerOp", "%.1f",
							"redisCpuMicrosPerOp", "%.2f", "eventLoopBusyPercent", "%.0f%%"));
					serverCosts.add(costRow(kind, workload, "redisCpuMicrosPerCommand", "%.2f", "commandsPerOp", "%.2f",
							"commandsPerRead", "%.1f"));
				}
			}
			out.table(pointHeader("client", workload), rates);
			out.paragraph("Latency p50 / p99 in µs:");
			out.table(pointHeader("client", workload), latencies);
			out.paragraph("Connections · client CPU µs per operation · Redis CPU µs per operation · busiest "
					+ "event-loop thread's CPU share (medians):");
			out.table(pointHeader("client", workload), costs);
			out.paragraph("Redis CPU µs per command · Redis commands per operation · commands per socket read "
					+ "(medians):");
			out.table(pointHeader("client", workload), serverCosts);
			out.paragraph("Ratios, paired by round:");
			out.table(pointHeader("ratio", workload),
					ratios(workload).stream().map((ratio) -> ratioRow(ratio, workload)).toList());
		}
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
		out.table(pointHeader("redis-benchmark", Workload.GET_SET), rows);
	}

	private static List<Ratio> ratios(Workload workload) {
		String rate = "opsPerSecond";
		String redisCpu = "redisCpuMicrosPerCommand";
		String clientCpu = "clientCpuMicrosPerOp";
		return switch (workload) {
			case GET_SET -> List.of(new Ratio(rate, ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE),
					new Ratio(rate, ClientKind.STARTER_MASTER, ClientKind.LETTUCE),
					new Ratio(rate, ClientKind.BOOT_TEMPLATE, ClientKind.LETTUCE),
					new Ratio(rate, ClientKind.STARTER_SLAVE, ClientKind.BOOT_TEMPLATE),
					new Ratio(rate, ClientKind.STARTER_MASTER, ClientKind.STARTER_MASTER_UNCOALESCED),
					new Ratio(rate, ClientKind.STARTER_MASTER_UNCOALESCED, ClientKind.BOOT_TEMPLATE),
					new Ratio(redisCpu, ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE),
					new Ratio(redisCpu, ClientKind.STARTER_MASTER, ClientKind.STARTER_MASTER_UNCOALESCED),
					new Ratio(clientCpu, ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE));
			case MULTI_EXEC, BLPOP -> List.of(new Ratio(rate, ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE),
					new Ratio(rate, ClientKind.STARTER_MASTER, ClientKind.COMMONS_POOL),
					new Ratio(redisCpu, ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE));
			case REACTIVE_GET_SET -> List.of(new Ratio(rate, ClientKind.STARTER_REACTIVE, ClientKind.BOOT_REACTIVE),
					new Ratio(redisCpu, ClientKind.STARTER_REACTIVE, ClientKind.BOOT_REACTIVE),
					new Ratio(clientCpu, ClientKind.STARTER_REACTIVE, ClientKind.BOOT_REACTIVE));
			case ASYNC_GET_SET -> List.of(new Ratio(rate, ClientKind.STARTER_ASYNC, ClientKind.LETTUCE),
					new Ratio("redisCpuMicrosPerOp", ClientKind.STARTER_ASYNC, ClientKind.LETTUCE),
					new Ratio(redisCpu, ClientKind.STARTER_ASYNC, ClientKind.LETTUCE),
					new Ratio(clientCpu, ClientKind.STARTER_ASYNC, ClientKind.LETTUCE));
		};
	}

	/**
	 * Return a client's row of medians of the given metrics, one cell a point, the metrics joined by {@code ·}.
	 * @param metrics the metrics, each followed by its format
	 */
	private List<String> costRow(ClientKind kind, Workload workload, String... metrics) {
		List<String> row = new ArrayList<>(List.of(kind.label()));
		for (int point : this.options.points(workload)) {
			Object[] at = { "throughput", kind, workload, point };
			if (this.measurements.summary(Measurements.under(at, "opsPerSecond")).isEmpty()) {
				row.add(Cells.NONE);
				continue;
			}
			List<String> cell = new ArrayList<>();
			for (int i = 0; i < metrics.length; i += 2) {
				cell.add(median(Measurements.under(at, metrics[i]), metrics[i + 1]));
			}
			row.add(String.join(" · ", cell));
		}
		return row;
	}

	private String median(Object[] key, String pattern) {
		Summary summary = this.measurements.summary(key);
		return summary.isEmpty() ? Cells.NONE : String.format(Locale.ROOT, pattern, summary.median());
	}

	private List<String> rateRow(String label, Object section, Object what, Workload workload) {
		List<String> row = new ArrayList<>(List.of(label));
		for (int threads : this.options.points(workload)) {
			row.add(Cells.rate(this.measurements.summary(section, what, workload, threads, "opsPerSecond")));
		}
		return row;
	}

	private List<String> latencyRow(String label, Object section, Object what, Workload workload) {
		List<String> row = new ArrayList<>(List.of(label));
		for (int threads : this.options.points(workload)) {
			Summary p50 = this.measurements.summary(section, what, workload, threads, "p50Micros");
			Summary p99 = this.measurements.summary(section, what, workload, threads, "p99Micros");
			row.add(p50.isEmpty() ? Cells.NONE : Cells.micros(p50) + " / " + Cells.micros(p99));
		}
		return row;
	}

	private List<String> ratioRow(Ratio ratio, Workload workload) {
		List<String> row = new ArrayList<>(List.of(workload.label() + ", " + METRICS.get(ratio.metric()) + ": "
				+ ratio.numerator().label() + " / " + ratio.denominator().label()));
		for (int point : this.options.points(workload)) {
			row.add(Cells.ratio(this.measurements.ratio(
					new Object[] { "throughput", ratio.numerator(), workload, point, ratio.metric() },
					new Object[] { "throughput", ratio.denominator(), workload, point, ratio.metric() })));
		}
		return row;
	}

	private List<String> pointHeader(String first, Workload workload) {
		List<String> header = new ArrayList<>(List.of(first));
		this.options.points(workload).forEach((point) -> header.add(workload.point(point)));
		return header;
	}

}
