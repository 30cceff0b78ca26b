package io.gdnode.pool.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The median and range of repeated measurements of one quantity.
 *
 * @param median the median (the mean of the middle two for an even count)
 * @param min the smallest measurement
 * @param max the largest measurement
 * @param count how many measurements there were
 */
record Summary(double median, double min, double max, int count) {

	static Summary of(Collection<? extends Number> values) {
		if (values.isEmpty()) {
			return new Summary(Double.NaN, Double.NaN, Double.NaN, 0);
		}
		List<Double> sorted = new ArrayList<>();
		values.forEach((value) -> sorted.add(value.doubleValue()));
		Collections.sort(sorted);
		int size = sorted.size();
		double median = (size % 2 == 1) ? sorted.get(size / 2) : (sorted.get(size / 2 - 1) + sorted.get(size / 2)) / 2;
		return new Summary(median, sorted.get(0), sorted.get(size - 1), size);
	}

	boolean isEmpty() {
		return this.count == 0;
	}

}
