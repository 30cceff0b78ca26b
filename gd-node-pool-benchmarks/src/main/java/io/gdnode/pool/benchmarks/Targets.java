package io.gdnode.pool.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.gdnode.pool.autoconfigure.RedisPoolProperties;

/**
 * The targets, checked against the measurements: what each asks, what was measured, and
 * whether it was met.
 */
final class Targets {

	private final Options options;

	private final Measurements measurements;

	Targets(Options options, Measurements measurements) {
		this.options = options;
		this.measurements = measurements;
	}

	/**
	 * One target.
	 *
	 * @param target what the issue asks
	 * @param measured what the run measured, in words and numbers
	 * @param met whether it was met; {@code null} when it could not be measured
	 */
	record Row(String target, String measured, Boolean met) {

	}

	List<Row> evaluate() {
		List<Row> rows = new ArrayList<>();
		if (this.options.runs("footprint")) {
			rows.add(connectionsDoNotGrow());
			rows.add(fewerConnectionsThanNaive(FootprintBenchmark.Phase.IDLE));
			rows.add(fewerConnectionsThanNaive(FootprintBenchmark.Phase.LOAD));
			rows.add(boundPerPool());
			rows.add(threadsConstant());
			rows.add(residentMemory());
		}
		if (this.options.runs("throughput")) {
			rows.add(getSetAgainst(ClientKind.BOOT_TEMPLATE, 0.95));
			rows.add(getSetAgainst(ClientKind.LETTUCE, 0.90));
			rows.add(reactiveAgainstBoot());
			rows.add(getSetFasterThanBoot());
			rows.add(asyncAgainstLettuce());
			rows.add(redisCpuAgainstBoot());
			rows.add(transactionsAgainstBoot());
		}
		if (this.options.runs("jmh")) {
			rows.add(registryOverhead());
		}
		return rows;
	}

	private Row connectionsDoNotGrow() {
		List<Integer> counts = this.options.componentCounts();
		StringBuilder measured = new StringBuilder();
		boolean met = true;
		for (FootprintBenchmark.Phase phase : FootprintBenchmark.Phase.values()) {
			List<Summary> byN = counts.stream()
				.map((n) -> footprint(ApplicationMode.STARTER, n, phase, "connections"))
				.toList();
			measured.append(phase.title()).append(": ")
				.append(byN.stream().map(Cells::count).collect(Collectors.joining(" / "))).append("; ");
			if (phase != FootprintBenchmark.Phase.LOAD) {
				met &= byN.stream().map(Summary::median).distinct().count() == 1;
			}
		}
		return new Row("Starter connections do not grow with N (idle and after cleanup; under load they follow "
				+ "the load, see the bound below)",
				measured + "at N = " + join(counts), met);
	}

	private Row fewerConnectionsThanNaive(FootprintBenchmark.Phase phase) {
		int n = 10;
		Summary ratio = this.measurements.ratio(key(ApplicationMode.STARTER, n, phase, "connections"),
				key(ApplicationMode.NAIVE, n, phase, "connections"));
		return new Row("At N = " + n + ", at least 90% fewer Redis connections than (a), " + phase.title(),
				Cells.percentFewer(ratio) + " (" + Cells.count(footprint(ApplicationMode.STARTER, n, phase, "connections"))
						+ " vs " + Cells.count(footprint(ApplicationMode.NAIVE, n, phase, "connections")) + ")",
				ratio.isEmpty() ? null : ratio.median() <= 0.10 + 1e-9);
	}

	private Row boundPerPool() {
		Map<String, Integer> bounds = poolBounds();
		StringBuilder measured = new StringBuilder();
		boolean met = true;
		for (String name : allStarterClientNames()) {
			double largest = 0;
			for (int n : this.options.componentCounts()) {
				for (FootprintBenchmark.Phase phase : FootprintBenchmark.Phase.values()) {
					Summary seen = footprint(ApplicationMode.STARTER, n, phase, "clients", name);
					largest = Math.max(largest, seen.isEmpty() ? 0 : seen.max());
				}
			}
			Integer bound = bounds.get(name);
			met &= bound != null && largest <= bound;
			measured.append(String.format(Locale.ROOT, "`%s` %.0f of %s; ", name, largest,
					(bound != null) ? bound : "no pool of that name"));
		}
		return new Row("Never more connections than the documented bound per pool (size + 2 for a sync pool: "
				+ "its pooled connections, the shared one and the one its transactions share; max for the async pool)",
				"most seen in any run, phase and N: " + trim(measured), met);
	}

	private Row threadsConstant() {
		StringBuilder measured = new StringBuilder();
		boolean met = true;
		for (FootprintBenchmark.Phase phase : FootprintBenchmark.Phase.values()) {
			List<Summary> byN = this.options.componentCounts()
				.stream()
				.map((n) -> footprint(ApplicationMode.STARTER, n, phase, "redisClientThreads"))
				.toList();
			met &= byN.stream().map(Summary::median).distinct().count() == 1;
			measured.append(phase.title()).append(": ")
				.append(byN.stream().map(Cells::count).collect(Collectors.joining(" / "))).append("; ");
		}
		return new Row("Starter threads constant in N (Redis client threads: Lettuce, cleanup, evictor)",
				measured + "at N = " + join(this.options.componentCounts()), met);
	}

	private Row residentMemory() {
		int fewest = this.options.componentCounts().get(0);
		int n = this.options.componentCounts().get(this.options.componentCounts().size() - 1);
		StringBuilder measured = new StringBuilder();
		boolean met = true;
		for (FootprintBenchmark.Phase phase : List.of(FootprintBenchmark.Phase.IDLE, FootprintBenchmark.Phase.LOAD)) {
			measured.append(phase.title()).append(":");
			for (ApplicationMode reference : List.of(ApplicationMode.NAIVE, ApplicationMode.NAIVE_SHARED_RESOURCES,
					ApplicationMode.BOOT_DEFAULT)) {
				Summary ratio = this.measurements.ratio(key(ApplicationMode.STARTER, n, phase, "rssMib"),
						key(reference, n, phase, "rssMib"));
				String shown = Cells.ratio(ratio);
				if (reference == ApplicationMode.NAIVE) {
					met &= !ratio.isEmpty() && ratio.median() <= 0.70;
					// Two decimals can round a miss to the target: show the third.
					shown = Cells.preciseRatio(ratio);
				}
				measured.append(" ").append(shown).append(" of (").append(reference.letter()).append("),");
			}
			measured.setLength(measured.length() - 1);
			measured.append(" (outside the Java heap ").append(Cells.ratio(this.measurements.ratio(
					key(ApplicationMode.STARTER, n, phase, "rssOutsideHeapMib"),
					key(ApplicationMode.NAIVE, n, phase, "rssOutsideHeapMib")))).append(" of (a)); ");
			measured.append(String.format(Locale.ROOT, "change from N = %d to %d: (a) %+.0f MiB, (d) %+.0f MiB; ", fewest, n,
					growth(ApplicationMode.NAIVE, fewest, n, phase), growth(ApplicationMode.STARTER, fewest, n, phase)));
		}
		return new Row("RSS at N = " + n + " at most 0.7× of (a); against (b) and (c) as measured", trim(measured), met);
	}

	private double growth(ApplicationMode mode, int from, int to, FootprintBenchmark.Phase phase) {
		return footprint(mode, to, phase, "rssMib").median() - footprint(mode, from, phase, "rssMib").median();
	}

	private Row getSetAgainst(ClientKind reference, double threshold) {
		List<String> ratios = new ArrayList<>();
		boolean met = true;
		for (int threads : this.options.threadCounts()) {
			Summary ratio = this.measurements.ratio(throughput(ClientKind.STARTER_MASTER, threads),
					throughput(reference, threads));
			met &= !ratio.isEmpty() && ratio.median() >= threshold;
			ratios.add(Cells.ratio(ratio));
		}
		return new Row(String.format(Locale.ROOT,
				"GET/SET through the master template at least %.2f× of %s at every thread count", threshold,
				reference.label()), String.join(" / ", ratios) + " at " + join(this.options.threadCounts())
						+ " threads", met);
	}

	private Row reactiveAgainstBoot() {
		List<String> ratios = new ArrayList<>();
		boolean met = true;
		double connections = 0;
		double errors = 0;
		for (int inFlight : this.options.points(Workload.REACTIVE_GET_SET)) {
			Summary ratio = ratio(ClientKind.STARTER_REACTIVE, ClientKind.BOOT_REACTIVE, Workload.REACTIVE_GET_SET,
					inFlight, "opsPerSecond");
			met &= !ratio.isEmpty() && ratio.median() >= 1.0;
			ratios.add(Cells.ratio(ratio));
			Summary held = throughput(ClientKind.STARTER_REACTIVE, Workload.REACTIVE_GET_SET, inFlight, "connections");
			Summary failed = throughput(ClientKind.STARTER_REACTIVE, Workload.REACTIVE_GET_SET, inFlight, "errors");
			met &= !held.isEmpty() && !failed.isEmpty();
			connections = held.isEmpty() ? connections : Math.max(connections, held.max());
			errors += failed.isEmpty() ? 0 : failed.max();
		}
		met &= connections <= 2 && errors == 0;
		return new Row("Reactive template at least 1.0× of Spring Boot default at every number in flight, with at most "
				+ "2 connections under that load and zero errors",
				String.join(" / ", ratios) + " at " + join(this.options.points(Workload.REACTIVE_GET_SET))
						+ " in flight; at most " + String.format(Locale.ROOT, "%.0f", connections)
						+ " connection(s) seen; errors in any turn: " + String.format(Locale.ROOT, "%.0f", errors),
				met);
	}

	private Row getSetFasterThanBoot() {
		List<String> ratios = new ArrayList<>();
		boolean met = true;
		for (int threads : this.options.threadCounts()) {
			Summary ratio = ratio(ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE, Workload.GET_SET, threads,
					"opsPerSecond");
			met &= !ratio.isEmpty() && ratio.median() >= ((threads >= 16) ? 1.3 : 0.97);
			ratios.add(Cells.ratio(ratio));
		}
		int fewest = this.options.threadCounts().get(0);
		Summary p99 = ratio(ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE, Workload.GET_SET, fewest, "p99Micros");
		met &= !p99.isEmpty() && p99.median() <= 1.10;
		return new Row("GET/SET through the master template at least 1.3× of Spring Boot default at 16 and 64 threads, "
				+ "0.97× at 1 and 4, p99 at 1 thread within 10% of Boot's",
				String.join(" / ", ratios) + " at " + join(this.options.threadCounts()) + " threads; p99 at " + fewest
						+ " thread " + Cells.ratio(p99) + " of Boot's",
				met);
	}

	private Row asyncAgainstLettuce() {
		List<String> measured = new ArrayList<>();
		boolean met = true;
		for (int inFlight : this.options.points(Workload.ASYNC_GET_SET)) {
			Summary ratio = ratio(ClientKind.STARTER_ASYNC, ClientKind.LETTUCE, Workload.ASYNC_GET_SET, inFlight,
					"opsPerSecond");
			met &= !ratio.isEmpty() && ratio.median() >= 2.5;
			measured.add(Cells.ratio(ratio) + " at " + inFlight + " in flight, "
					+ Cells.count(throughput(ClientKind.STARTER_ASYNC, Workload.ASYNC_GET_SET, inFlight, "connections"))
					+ " vs "
					+ Cells.count(throughput(ClientKind.LETTUCE, Workload.ASYNC_GET_SET, inFlight, "connections"))
					+ " connection(s)");
		}
		return new Row("Async pool, operations in flight from one thread, at least 2.5× of Lettuce's async API on one "
				+ "connection", String.join("; ", measured), met);
	}

	private Row redisCpuAgainstBoot() {
		int most = this.options.threadCounts().get(this.options.threadCounts().size() - 1);
		Summary ratio = ratio(ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE, Workload.GET_SET, most,
				"redisCpuMicrosPerCommand");
		return new Row("Redis CPU per command at " + most + " threads (GET/SET) at most 0.5× of Spring Boot default's",
				Cells.ratio(ratio) + " (" + Cells.decimal2(throughput(ClientKind.STARTER_MASTER, Workload.GET_SET, most,
						"redisCpuMicrosPerCommand")) + " vs " + Cells.decimal2(throughput(ClientKind.BOOT_TEMPLATE,
								Workload.GET_SET, most, "redisCpuMicrosPerCommand")) + " µs)",
				ratio.isEmpty() ? null : ratio.median() <= 0.5);
	}

	private Row transactionsAgainstBoot() {
		List<String> ratios = new ArrayList<>();
		boolean met = true;
		for (int threads : this.options.threadCounts()) {
			Summary ratio = ratio(ClientKind.STARTER_MASTER, ClientKind.BOOT_TEMPLATE, Workload.MULTI_EXEC, threads,
					"opsPerSecond");
			met &= !ratio.isEmpty() && ratio.median() >= 2.0;
			ratios.add(Cells.ratio(ratio));
		}
		return new Row("Transactions (MULTI/EXEC) at least 2× of Spring Boot's pooled factory at every thread count",
				String.join(" / ", ratios) + " at " + join(this.options.threadCounts()) + " threads", met);
	}

	private Summary ratio(ClientKind numerator, ClientKind denominator, Workload workload, int point, String metric) {
		return this.measurements.ratio(new Object[] { "throughput", numerator, workload, point, metric },
				new Object[] { "throughput", denominator, workload, point, metric });
	}

	private Summary throughput(ClientKind kind, Workload workload, int point, String metric) {
		return this.measurements.summary("throughput", kind, workload, point, metric);
	}

	private Row registryOverhead() {
		Summary registry = this.measurements.summary("jmh", "registryBorrowGiveBack", "nsPerOp");
		Summary raw = this.measurements.summary("jmh", "commonsPoolBorrowReturn", "nsPerOp");
		if (registry.isEmpty() || raw.isEmpty()) {
			return new Row("Registry path adds under 200 ns over raw commons-pool2 borrow+return", Cells.NONE, null);
		}
		double added = registry.median() - raw.median();
		return new Row("Registry path adds under 200 ns over raw commons-pool2 borrow+return",
				String.format(Locale.ROOT, "%+.0f ns (%s vs %s ns/op)", added, Cells.decimal(registry), Cells.decimal(raw)),
				added < 200);
	}

	/**
	 * Return the most connections each starter pool may open, from the starter's default sizes.
	 */
	static Map<String, Integer> poolBounds() {
		RedisPoolProperties defaults = new RedisPoolProperties();
		String prefix = ApplicationMode.CLIENT_NAME + "-";
		int master = defaults.getMaster().getPool().getSize();
		int slave = defaults.getSlave().getPool().getSize();
		int local = defaults.getLocal().getPool().getSize();
		return Map.of(prefix + "master", master + 2, prefix + "slave", slave + 2, prefix + "local", local + 2,
				prefix + "async", defaults.getAsync().getPool().getMax());
	}

	private List<String> allStarterClientNames() {
		return this.options.componentCounts()
			.stream()
			.flatMap((n) -> List.of(FootprintBenchmark.Phase.values())
				.stream()
				.flatMap((phase) -> this.measurements
					.namesUnder("footprint", ApplicationMode.STARTER, n, phase, "clients")
					.stream()))
			.distinct()
			.sorted()
			.toList();
	}

	private Summary footprint(ApplicationMode mode, int n, FootprintBenchmark.Phase phase, String... metric) {
		return this.measurements.summary(Measurements.under(new Object[] { "footprint", mode, n, phase }, (Object[]) metric));
	}

	private static Object[] key(ApplicationMode mode, int n, FootprintBenchmark.Phase phase, String metric) {
		return new Object[] { "footprint", mode, n, phase, metric };
	}

	private static Object[] throughput(ClientKind kind, int threads) {
		return new Object[] { "throughput", kind, Workload.GET_SET, threads, "opsPerSecond" };
	}

	private static String join(List<Integer> values) {
		return values.stream().map(String::valueOf).collect(Collectors.joining(" / "));
	}

	private static String trim(StringBuilder text) {
		String result = text.toString().trim();
		return result.endsWith(";") ? result.substring(0, result.length() - 1) : result;
	}

}
