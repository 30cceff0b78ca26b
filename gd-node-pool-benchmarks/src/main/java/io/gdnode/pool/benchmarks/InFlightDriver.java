package io.gdnode.pool.benchmarks;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps a number of non-blocking operations in flight from one caller for a bounded time, and
 * measures throughput, latency and CPU as {@link LoadDriver} does for caller threads. Operations
 * started during the warm-up are not counted.
 */
final class InFlightDriver {

	/** Extra time the operations in flight at the end may take to complete. */
	private static final Duration FINISH_GRACE = Duration.ofSeconds(30);

	private final long measureFrom;

	private final long end;

	private final ProcessCpu cpu;

	/**
	 * Completions arrive on the client's event loops: one histogram per thread, merged at the end.
	 * One shared histogram under a lock made a client whose connections run on two event loops
	 * pay for the threads' contention, which a client on one event loop never saw.
	 */
	private final Queue<LatencyHistogram> histograms = new ConcurrentLinkedQueue<>();

	private final ThreadLocal<LatencyHistogram> histogram = ThreadLocal.withInitial(() -> {
		LatencyHistogram histogram = new LatencyHistogram();
		this.histograms.add(histogram);
		return histogram;
	});

	private final AtomicLong errors = new AtomicLong();

	private final LongAdder finished = new LongAdder();

	private final AtomicReference<String> firstError = new AtomicReference<>();

	private InFlightDriver(Duration warmup, Duration measure) {
		this.measureFrom = System.nanoTime() + warmup.toNanos();
		this.end = this.measureFrom + measure.toNanos();
		this.cpu = new ProcessCpu(this.measureFrom, this.end);
	}

	/**
	 * Run {@code Flux.generate(...).flatMap(operation, inFlight)} until the time is over, as a
	 * reactive application sends concurrent commands: the next operation starts on the thread that
	 * completed one.
	 */
	static LoadDriver.Result flatMap(int inFlight, Duration warmup, Duration measure,
			Supplier<? extends Mono<?>> operation) throws InterruptedException {
		InFlightDriver driver = new InFlightDriver(warmup, measure);
		Flux.<Long>generate((sink) -> {
			if (System.nanoTime() >= driver.end) {
				sink.complete();
			}
			else {
				sink.next(System.nanoTime());
			}
		}).flatMap((start) -> Mono.defer(operation)
			.then()
			.doOnSuccess((ignored) -> driver.completed(start))
			.onErrorResume((ex) -> {
				driver.failed(start, ex);
				return Mono.empty();
			}), inFlight).blockLast(measure.plus(warmup).plus(FINISH_GRACE));
		return driver.result();
	}

	/**
	 * Run from the calling thread, which starts an operation whenever fewer than {@code inFlight}
	 * are in flight, until the time is over.
	 */
	static LoadDriver.Result oneCaller(int inFlight, Duration warmup, Duration measure,
			Supplier<? extends CompletionStage<?>> operation) throws InterruptedException {
		InFlightDriver driver = new InFlightDriver(warmup, measure);
		Semaphore slots = new Semaphore(inFlight);
		while (true) {
			slots.acquire();
			long start = System.nanoTime();
			if (start >= driver.end) {
				slots.release();
				break;
			}
			try {
				operation.get().whenComplete((value, ex) -> {
					if (ex != null) {
						driver.failed(start, ex);
					}
					else {
						driver.completed(start);
					}
					slots.release();
				});
			}
			catch (RuntimeException ex) {
				driver.failed(start, ex);
				slots.release();
			}
		}
		if (!slots.tryAcquire(inFlight, FINISH_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("Operations still in flight " + FINISH_GRACE + " after the end of the run");
		}
		return driver.result();
	}

	private void completed(long start) {
		this.finished.increment();
		if (start >= this.measureFrom) {
			this.histogram.get().record(System.nanoTime() - start);
		}
	}

	private void failed(long start, Throwable ex) {
		this.finished.increment();
		if (start >= this.measureFrom) {
			this.errors.incrementAndGet();
			this.firstError.compareAndSet(null, ex.toString());
		}
	}

	private LoadDriver.Result result() throws InterruptedException {
		long cpuNanos = this.cpu.nanos();
		long measured = Math.min(System.nanoTime(), this.end) - this.measureFrom;
		// Every operation has completed: each recorded before it released its slot or let the flux end.
		LatencyHistogram merged = new LatencyHistogram();
		this.histograms.forEach(merged::add);
		return new LoadDriver.Result(merged.total(), this.errors.get(), measured / 1e9, merged.percentile(0.50) / 1000,
				merged.percentile(0.99) / 1000, this.firstError.get(), cpuNanos, this.finished.sum(),
				this.cpu.busiestEventLoopShare());
	}

}
