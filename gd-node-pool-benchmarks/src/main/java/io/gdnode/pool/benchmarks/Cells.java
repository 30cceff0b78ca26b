package io.gdnode.pool.benchmarks;

import java.util.Locale;

/**
 * How numbers look in the report: the median, then the min–max range of the repetitions.
 */
final class Cells {

	static final String NONE = "–";

	private Cells() {
	}

	static String count(Summary summary) {
		return format(summary, (summary.median() % 1 == 0) ? "%.0f" : "%.1f", "");
	}

	static String decimal(Summary summary) {
		return format(summary, "%.1f", "");
	}

	static String decimal2(Summary summary) {
		return format(summary, "%.2f", "");
	}

	static String rate(Summary summary) {
		return format(summary, "%,.0f", "");
	}

	static String micros(Summary summary) {
		return format(summary, (summary.median() < 100) ? "%.1f" : "%.0f", "");
	}

	static String ratio(Summary summary) {
		return format(summary, "%.2f", "×");
	}

	static String preciseRatio(Summary summary) {
		return format(summary, "%.3f", "×");
	}

	static String percentFewer(Summary ratio) {
		return ratio.isEmpty() ? NONE : String.format(Locale.ROOT, "%.0f%% fewer", (1 - ratio.median()) * 100);
	}

	private static String format(Summary summary, String pattern, String unit) {
		if (summary.isEmpty()) {
			return NONE;
		}
		String median = String.format(Locale.ROOT, pattern, summary.median()) + unit;
		if (summary.count() == 1 || summary.min() == summary.max()) {
			return median;
		}
		return median + " (" + String.format(Locale.ROOT, pattern, summary.min()) + "–"
				+ String.format(Locale.ROOT, pattern, summary.max()) + ")";
	}

}
