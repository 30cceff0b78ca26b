package io.gdnode.pool.benchmarks;

import io.gdnode.pool.localredis.LocalRedisServer;

/**
 * The server's own counters from one {@code INFO}: the CPU it has used ({@code used_cpu_sys} +
 * {@code used_cpu_user} of {@code INFO cpu}, all its threads), the commands it has processed and
 * the socket reads it has made ({@code total_commands_processed}, {@code total_reads_processed}
 * of {@code INFO stats}). The difference of two readings is what a run cost the server.
 *
 * @param cpuSeconds CPU time used since the server started
 * @param commands commands processed since the server started
 * @param reads reads from client sockets since the server started, -1 if the server does not say
 */
record RedisCounters(double cpuSeconds, long commands, long reads) {

	static RedisCounters read(LocalRedisServer redis) {
		String info = redis.command("INFO");
		return new RedisCounters(
				Double.parseDouble(field(info, "used_cpu_sys")) + Double.parseDouble(field(info, "used_cpu_user")),
				Long.parseLong(field(info, "total_commands_processed")),
				Long.parseLong(field(info, "total_reads_processed").replace("unknown", "-1")));
	}

	/**
	 * Return the server's CPU time per command processed since {@code earlier}, in microseconds.
	 */
	double cpuMicrosPerCommandSince(RedisCounters earlier) {
		long commands = this.commands - earlier.commands;
		return (commands <= 0) ? Double.NaN : (this.cpuSeconds - earlier.cpuSeconds) * 1e6 / commands;
	}

	/**
	 * Return the server's CPU time per operation since {@code earlier}, in microseconds.
	 * @param operations the operations clients sent since then
	 */
	double cpuMicrosPerOperationSince(RedisCounters earlier, long operations) {
		return (operations <= 0) ? Double.NaN : (this.cpuSeconds - earlier.cpuSeconds) * 1e6 / operations;
	}

	/**
	 * Return the commands the server processed per operation since {@code earlier}: more than one
	 * for a transaction, or for a client that adds commands of its own.
	 * @param operations the operations clients sent since then
	 */
	double commandsPerOperationSince(RedisCounters earlier, long operations) {
		return (operations <= 0) ? Double.NaN : (double) (this.commands - earlier.commands) / operations;
	}

	/**
	 * Return the commands the server took in per socket read since {@code earlier}: how many
	 * commands its clients sent in one write, on average.
	 */
	double commandsPerReadSince(RedisCounters earlier) {
		long reads = this.reads - earlier.reads;
		return (this.reads < 0 || reads <= 0) ? Double.NaN : (double) (this.commands - earlier.commands) / reads;
	}

	/**
	 * Return a field of an {@code INFO} reply, or {@code unknown}.
	 */
	static String field(String info, String name) {
		return info.lines()
			.filter((line) -> line.startsWith(name + ":"))
			.map((line) -> line.substring(name.length() + 1).trim())
			.findFirst()
			.orElse("unknown");
	}

}
