package io.gdnode.pool.benchmarks;

/**
 * Latencies in nanoseconds, counted in log-linear buckets (32 per power of two, so within about
 * 3%): a caller thread records millions of operations in a few KiB without allocating.
 * Not thread-safe: one per thread, merged at the end.
 */
final class LatencyHistogram {

	private static final int SUB_BUCKET_BITS = 5;

	private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;

	private final long[] counts = new long[64 * SUB_BUCKETS];

	private long total;

	void record(long nanos) {
		this.counts[index(Math.max(nanos, 0))]++;
		this.total++;
	}

	void add(LatencyHistogram other) {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] += other.counts[i];
		}
		this.total += other.total;
	}

	long total() {
		return this.total;
	}

	/**
	 * Return the latency that the given fraction of recorded operations did not exceed.
	 * @param fraction for example {@code 0.99}
	 * @return the latency in nanoseconds (the middle of its bucket), or 0 when nothing was recorded
	 */
	double percentile(double fraction) {
		long rank = (long) Math.ceil(fraction * this.total);
		long seen = 0;
		for (int i = 0; i < this.counts.length; i++) {
			seen += this.counts[i];
			if (seen >= rank && this.counts[i] > 0) {
				return middle(i);
			}
		}
		return 0;
	}

	private static int index(long nanos) {
		if (nanos < SUB_BUCKETS) {
			return (int) nanos;
		}
		int magnitude = 63 - Long.numberOfLeadingZeros(nanos);
		int shift = magnitude - SUB_BUCKET_BITS;
		int subBucket = (int) (nanos >>> shift) - SUB_BUCKETS;
		return (shift + 1) * SUB_BUCKETS + subBucket;
	}

	private static double middle(int index) {
		int group = index / SUB_BUCKETS;
		int subBucket = index % SUB_BUCKETS;
		if (group == 0) {
			return subBucket;
		}
		long width = 1L << (group - 1);
		return (SUB_BUCKETS + subBucket) * (double) width + (width - 1) / 2.0;
	}

}
