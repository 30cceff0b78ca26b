package io.gdnode.pool.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.gdnode.pool.localredis.LocalRedisServer;

/**
 * What Redis servers processed, from {@code INFO stats}: commands, and reads from client sockets.
 * Without coalescing every command of a connection arrives in a write of its own, so under
 * concurrency the commands per read tell whether writes were coalesced.
 *
 * @param commands commands processed
 * @param reads reads from client sockets
 */
record RedisTraffic(long commands, long reads) {

	private static final Pattern COMMANDS = Pattern.compile("total_commands_processed:(\\d+)");

	private static final Pattern READS = Pattern.compile("total_reads_processed:(\\d+)");

	/**
	 * Return what the servers processed while {@code callers} threads each ran the operation
	 * {@code times} times, all at once.
	 */
	static RedisTraffic during(List<LocalRedisServer> servers, int callers, int times, IntConsumer operation) {
		RedisTraffic before = of(servers);
		ExecutorService executor = Executors.newFixedThreadPool(callers);
		try {
			List<Future<Void>> results = new ArrayList<>();
			for (int caller = 0; caller < callers; caller++) {
				int thread = caller;
				Callable<Void> calls = () -> {
					for (int i = 0; i < times; i++) {
						operation.accept(thread * times + i);
					}
					return null;
				};
				results.add(executor.submit(calls));
			}
			for (Future<Void> result : results) {
				result.get(60, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("The load failed", ex);
		}
		finally {
			executor.shutdownNow();
		}
		return of(servers).minus(before);
	}

	/**
	 * Return what the servers have processed since they started, summed.
	 */
	static RedisTraffic of(List<LocalRedisServer> servers) {
		long commands = 0;
		long reads = 0;
		for (LocalRedisServer server : servers) {
			String stats = server.command("INFO", "stats");
			commands += value(COMMANDS, stats);
			reads += value(READS, stats);
		}
		return new RedisTraffic(commands, reads);
	}

	private static long value(Pattern pattern, String stats) {
		Matcher matcher = pattern.matcher(stats);
		if (!matcher.find()) {
			throw new IllegalStateException("INFO stats without " + pattern + ":\n" + stats);
		}
		return Long.parseLong(matcher.group(1));
	}

	RedisTraffic minus(RedisTraffic earlier) {
		return new RedisTraffic(this.commands - earlier.commands, this.reads - earlier.reads);
	}

	double commandsPerRead() {
		return (double) this.commands / Math.max(1, this.reads);
	}

	@Override
	public String toString() {
		return String.format("%d commands in %d reads (%.2f per read)", this.commands, this.reads, commandsPerRead());
	}

}
