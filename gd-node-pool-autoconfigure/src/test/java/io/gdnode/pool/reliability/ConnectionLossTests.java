package io.gdnode.pool.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.gdnode.pool.autoconfigure.RedisPoolAutoConfiguration;
import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.localredis.TcpProxy;
import io.gdnode.pool.registry.SharedPoolRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Single connections lost while Redis stays up: killed by the server, or silently dropped on the
 * way so that nothing arrives and nothing is closed.
 */
class ConnectionLossTests {

	private static final Duration COMMAND_TIMEOUT = OutageTests.COMMAND_TIMEOUT;

	private static final Duration KEEPALIVE = Duration.ofSeconds(1);

	/** The watchdog's bound: command timeout plus keepalive, checked every quarter of it. */
	private static final Duration UNANSWERED_BOUND = COMMAND_TIMEOUT.plus(KEEPALIVE).plus(COMMAND_TIMEOUT.plus(KEEPALIVE).dividedBy(4));

	private static final AtomicInteger applications = new AtomicInteger();

	private final String application = "loss-" + applications.incrementAndGet();

	@RegisterExtension
	final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private ApplicationContextRunner contextRunner(String url) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisPoolAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("redis.master.url=" + url, "redis.client.name=" + this.application,
					"redis.timeout.command=" + COMMAND_TIMEOUT.toMillis() + "ms", "redis.timeout.connect=1s",
					"redis.timeout.wait=1s", "redis.timeout.reconnect=500ms",
					"redis.timeout.keepalive=" + KEEPALIVE.toMillis() + "ms");
	}

	/**
	 * Every pool connection killed by the server while idle ({@code CLIENT KILL}): the
	 * next plain command and the next transaction both work, first time.
	 */
	@Test
	void connectionsKilledWhileIdleAreReplacedOnNextUse() {
		contextRunner(this.redis.url()).run((context) -> {
			StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
			master.opsForValue().set("k", "v");
			master.execute(OutageTests.transaction("t"));
			assertThat(this.redis.clientsNamed(this.application + "-master")).isEqualTo(2);
			assertThat(this.redis.command("CLIENT", "KILL", "TYPE", "normal")).isEqualTo("2");
			// The application is idle: the kernel has told the client by the time it calls again.
			CallerLoad.sleep(Duration.ofMillis(200));
			assertThat(master.opsForValue().get("k")).isEqualTo("v");
			master.execute(OutageTests.transaction("t"));
			// The killed connections go on their own (Lettuce may be reconnecting one when the pool
			// replaces it): the pool ends up with its shared and transaction connections again.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.redis.clientsNamed(this.application + "-master") == 2);
			FailureReport.record("4a. every pool connection killed while idle (`CLIENT KILL`)",
					"nothing fails: the next command and the next transaction each get a new connection");
		});
	}

	/**
	 * A borrowed connection killed while in use (a WATCH transaction, which needs a
	 * connection of its own): that transaction fails, the plain commands beside it and the next
	 * transaction work.
	 */
	@Test
	void connectionKilledWhileBorrowedFailsOnlyItsOwnCommand() {
		contextRunner(this.redis.url()).run((context) -> {
			StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
			master.opsForValue().set("k", "v");
			assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> master.execute(new SessionCallback<>() {

				@Override
				@SuppressWarnings({ "unchecked", "rawtypes" })
				public Object execute(RedisOperations operations) {
					operations.watch("t");
					operations.multi();
					operations.opsForValue().set("t", "1");
					kill((client) -> client.getOrDefault("flags", "").contains("x"));
					return operations.exec();
				}

			}));
			assertThat(master.opsForValue().get("k")).isEqualTo("v");
			master.execute(OutageTests.transaction("t"));
			assertThat(master.opsForValue().get("t")).isEqualTo("1");
			FailureReport.record("4b. a borrowed connection killed mid-transaction (WATCH ... EXEC)",
					"that transaction fails with a connection error; the plain commands beside it and the next transaction work");
		});
	}

	/**
	 * The connection that carries the pool's transactions killed while a transaction
	 * is being queued: nothing of it was sent before EXEC, so EXEC sends it on a new connection and
	 * it completes.
	 */
	@Test
	void transactionConnectionKilledBeforeExecLosesNothing() {
		contextRunner(this.redis.url()).run((context) -> {
			StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
			master.execute(OutageTests.transaction("before"));
			Object result = master.execute(new SessionCallback<>() {

				@Override
				@SuppressWarnings({ "unchecked", "rawtypes" })
				public Object execute(RedisOperations operations) {
					operations.multi();
					operations.opsForValue().set("queued", "1");
					kill((client) -> "exec".equals(client.get("cmd")));
					return operations.exec();
				}

			});
			assertThat(result).isEqualTo(List.of(true));
			assertThat(master.opsForValue().get("queued")).isEqualTo("1");
			FailureReport.record("4c. the connection carrying transactions killed while one is queued",
					"nothing fails: a transaction is sent only at EXEC, then on a new connection");
		});
	}

	/**
	 * Kill the one client that matches, and give the pool time to see it closed.
	 */
	private void kill(Predicate<Map<String, String>> which) {
		List<Map<String, String>> matching = this.redis.clientList().stream().filter(which).toList();
		assertThat(matching).hasSize(1);
		assertThat(this.redis.command("CLIENT", "KILL", "ID", matching.get(0).get("id"))).isEqualTo("1");
		CallerLoad.sleep(Duration.ofMillis(200));
	}

	/**
	 * The network path goes silent under traffic (a proxy stops forwarding and closes
	 * nothing): calls time out at the command timeout, the watchdog closes the silent connection
	 * once nothing has been read for the command timeout plus the keepalive time, and calls
	 * succeed again on a new connection within that bound plus a second. Never a 15-minute hang.
	 */
	@Test
	void silentDropUnderTrafficIsDetectedWithinTheUnansweredBound() {
		try (TcpProxy proxy = TcpProxy.to(this.redis.server())) {
			contextRunner(proxy.url()).run((context) -> {
				StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
				AtomicInteger successes = new AtomicInteger();
				List<CallerLoad.Call> calls;
				Duration recovery;
				try (CallerLoad load = new CallerLoad(4, (thread, sequence) -> {
					master.opsForValue().get("k");
					successes.incrementAndGet();
				})) {
					await().atMost(Duration.ofSeconds(10)).until(() -> successes.get() > 200);
					proxy.blackhole();
					long dropped = System.nanoTime();
					recovery = load.awaitSuccessAfter(dropped, Duration.ofSeconds(30)).orElseThrow();
					calls = load.stop();
				}
				assertThat(recovery).as("first success after the drop")
					.isLessThanOrEqualTo(UNANSWERED_BOUND.plus(Duration.ofSeconds(1)));
				List<CallerLoad.Call> timeouts = calls.stream()
					.filter((call) -> call.failure() instanceof QueryTimeoutException)
					.toList();
				assertThat(timeouts).as("calls that waited on the silent connection").isNotEmpty();
				assertThat(calls).allSatisfy((call) -> assertThat(call.duration())
					.isLessThanOrEqualTo(COMMAND_TIMEOUT.plus(OutageTests.SLACK)));
				FailureReport.record("5a. silent drop under traffic (proxy stops forwarding, closes nothing)",
						timeouts.size() + " calls time out after the command timeout (1 s); the connection is replaced and calls succeed "
								+ FailureReport.format(recovery) + " after the drop (bound: command timeout + keepalive)");
			});
		}
	}

	/**
	 * The path goes silent while the application is idle. TCP keepalive is on for
	 * every pool connection ({@code ss} shows its timer), which finds a dead path on a real
	 * network; a peer whose TCP stack still answers is found by the pool's keepalive PING instead:
	 * the idle shared connection and transaction connection are replaced within twice the
	 * keepalive time, so the next call and the next transaction succeed at once, and an idle
	 * dedicated connection is checked before it is lent.
	 */
	@Test
	void silentDropWhileIdleIsFoundBeforeTheNextCall() {
		try (TcpProxy proxy = TcpProxy.to(this.redis.server())) {
			contextRunner(proxy.url()).run((context) -> {
				StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
				SharedPoolRegistry registry = context.getBean(SharedPoolRegistry.class);
				master.opsForValue().set("k", "v");
				master.execute(OutageTests.transaction("t"));
				assertThat(keepaliveTimers(proxy.port())).as("TCP keepalive on the pool's connections")
					.hasSize(2) // the shared connection and the transaction connection
					.allSatisfy((timer) -> assertThat(timer).startsWith("timer:(keepalive,"));
				long closedBefore = registry.getPoolStats("master").destroyed();
				proxy.blackhole();
				long dropped = System.nanoTime();
				await().atMost(KEEPALIVE.multipliedBy(3).plus(OutageTests.SLACK))
					.pollInterval(Duration.ofMillis(20))
					.until(() -> registry.getPoolStats("master").destroyed() > closedBefore);
				Duration detection = Duration.ofNanos(System.nanoTime() - dropped);
				long start = System.nanoTime();
				assertThat(master.opsForValue().get("k")).isEqualTo("v");
				Duration firstCall = Duration.ofNanos(System.nanoTime() - start);
				start = System.nanoTime();
				master.execute(OutageTests.transaction("t"));
				Duration firstTransaction = Duration.ofNanos(System.nanoTime() - start);
				assertThat(firstCall).isLessThan(COMMAND_TIMEOUT);
				assertThat(firstTransaction).isLessThan(COMMAND_TIMEOUT);
				FailureReport.record("5b. silent drop while idle",
						"found by the pool's keepalive PING " + FailureReport.format(detection)
								+ " after the drop (bound: 2 x keepalive; TCP keepalive is on too, `ss` shows its timer); the next call succeeds at once ("
								+ FailureReport.format(firstCall) + "), and so does the next transaction ("
								+ FailureReport.format(firstTransaction) + "), whose connection the same PING replaced");
			});
		}
	}

	/**
	 * A command sent but unanswered when its connection breaks fails at once and is never sent
	 * again after the reconnect (Lettuce's default would resend it, applying an INCR twice when the
	 * first one had reached Redis). Here the first one never reached Redis, so the counter must
	 * stay unset.
	 */
	@Test
	void unansweredCommandFailsWhenItsConnectionBreaksAndIsNeverResent() {
		try (TcpProxy proxy = TcpProxy.to(this.redis.server())) {
			contextRunner(proxy.url()).withPropertyValues("redis.timeout.command=5s").run((context) -> {
				StringRedisTemplate master = context.getBean("masterStringRedisTemplate", StringRedisTemplate.class);
				master.opsForValue().set("k", "v");
				proxy.blackhole();
				CompletableFuture<Long> increment = CompletableFuture.supplyAsync(() -> master.opsForValue().increment("n"));
				CallerLoad.sleep(Duration.ofMillis(300));
				long broken = System.nanoTime();
				proxy.dropConnections();
				assertThat(increment).failsWithin(Duration.ofSeconds(1));
				Duration failedAfter = Duration.ofNanos(System.nanoTime() - broken);
				// Long enough for a reconnect that would resend it.
				CallerLoad.sleep(Duration.ofSeconds(2));
				assertThat(master.opsForValue().get("k")).isEqualTo("v");
				assertThat(this.redis.command("GET", "n")).as("counter").isNull();
				FailureReport.record("unanswered command when its connection breaks",
						"fails " + FailureReport.format(failedAfter) + " after the break, not at the command timeout, and is never sent again after the reconnect");
			});
		}
	}

	/**
	 * Return the timer column {@code ss} shows for each established connection to the port.
	 */
	private static List<String> keepaliveTimers(int port) throws IOException, InterruptedException {
		Process ss = new ProcessBuilder("ss", "-tnoH", "state", "established", "dport", "=", ":" + port)
			.redirectErrorStream(true)
			.start();
		String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		ss.waitFor();
		return output.lines()
			.filter((line) -> !line.isBlank())
			.map((line) -> Arrays.stream(line.trim().split("\\s+"))
				.filter((column) -> column.startsWith("timer:"))
				.findFirst()
				.orElse("no timer: " + line))
			.toList();
	}

}
