package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;

import org.springframework.util.Assert;

/**
 * How a pool's connections behave when the network or Redis fails: every wait is bounded, a dead
 * peer is found without waiting for the kernel's 15-minute retransmission limit, nothing is
 * buffered without bound, and reconnects back off with jitter up to a cap.
 *
 * @param connectTimeout how long opening a connection may take
 * @param commandTimeout how long a command may take
 * @param keepAlive idle time before TCP keepalive probes start; also sets the dead-peer bounds
 * @param requestQueue the most commands one connection holds, in flight or waiting for a reconnect
 * @param reconnectDelay the longest pause between two reconnect attempts
 * @param clientOptionsCustomizer what the application changes in the client options these
 * settings make, applied last
 */
public record ConnectionSettings(Duration connectTimeout, Duration commandTimeout, Duration keepAlive,
		int requestQueue, Duration reconnectDelay, UnaryOperator<ClientOptions> clientOptionsCustomizer) {

	/** Keepalive probes sent before the kernel declares the peer dead. */
	static final int KEEPALIVE_PROBES = 3;

	/** The first pause before a reconnect, doubled per failed attempt up to the cap. */
	private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(100);

	public ConnectionSettings {
		positive(connectTimeout, "connectTimeout");
		positive(commandTimeout, "commandTimeout");
		positive(keepAlive, "keepAlive");
		positive(reconnectDelay, "reconnectDelay");
		Assert.isTrue(requestQueue > 0, "'requestQueue' must be positive");
		Assert.notNull(clientOptionsCustomizer, "'clientOptionsCustomizer' must not be null");
	}

	/**
	 * Create settings whose client options nobody customizes.
	 */
	public ConnectionSettings(Duration connectTimeout, Duration commandTimeout, Duration keepAlive, int requestQueue,
			Duration reconnectDelay) {
		this(connectTimeout, commandTimeout, keepAlive, requestQueue, reconnectDelay, UnaryOperator.identity());
	}

	/**
	 * Return the same settings with client options changed by the given customizer after the
	 * starter's own, so that the application has the last word.
	 * @param customizer the customizer
	 * @return the settings
	 */
	public ConnectionSettings withClientOptionsCustomizer(UnaryOperator<ClientOptions> customizer) {
		return new ConnectionSettings(this.connectTimeout, this.commandTimeout, this.keepAlive, this.requestQueue,
				this.reconnectDelay, customizer);
	}

	/**
	 * Return the defaults the starter documents, with the given connect and command timeouts.
	 * @param connectTimeout how long opening a connection may take
	 * @param commandTimeout how long a command may take
	 * @return the settings
	 */
	public static ConnectionSettings defaults(Duration connectTimeout, Duration commandTimeout) {
		return new ConnectionSettings(connectTimeout, commandTimeout, Duration.ofSeconds(30), Integer.MAX_VALUE,
				Duration.ofSeconds(2));
	}

	private static void positive(Duration value, String name) {
		Assert.isTrue(value != null && !value.isNegative() && !value.isZero(), () -> "'" + name + "' must be positive");
	}

	/**
	 * Return how long a peer may stay silent before its connection is given up: the keepalive
	 * idle time plus {@link #KEEPALIVE_PROBES} probes a third of it apart.
	 * @return the dead-peer bound of an idle connection, and the TCP user timeout
	 */
	public Duration deadPeerTimeout() {
		return this.keepAlive.plus(keepAliveInterval().multipliedBy(KEEPALIVE_PROBES));
	}

	/**
	 * Return how long a connection may go without reading a byte while a command waits for its
	 * reply before it is closed and reconnected: longer than the command timeout, so that a slow
	 * command fails by its own timeout first.
	 * @return the unanswered-request bound
	 */
	public Duration unansweredTimeout() {
		return this.commandTimeout.plus(this.keepAlive);
	}

	private Duration keepAliveInterval() {
		Duration third = this.keepAlive.dividedBy(KEEPALIVE_PROBES);
		return (third.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : third;
	}

	ClientOptions clientOptions() {
		SocketOptions.Builder socket = SocketOptions.builder()
			.connectTimeout(this.connectTimeout)
			.keepAlive(SocketOptions.KeepAliveOptions.builder()
				.enable()
				.idle(atLeastOneSecond(this.keepAlive))
				.interval(keepAliveInterval())
				.count(KEEPALIVE_PROBES)
				.build());
		// TCP_USER_TIMEOUT also ends a connection whose sent data stays unacknowledged; the JDK's
		// own transport cannot set it, the native epoll one can.
		if (EpollProvider.isAvailable()) {
			socket.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder()
				.enable()
				.tcpUserTimeout(deadPeerTimeout())
				.build());
		}
		ClientOptions options = ClientOptions.builder()
			.socketOptions(socket.build())
			.requestQueueSize(this.requestQueue)
			.timeoutOptions(TimeoutOptions.builder()
				.timeoutCommands(true)
				.timeoutSource(new BlockingTimeoutSource(this.commandTimeout))
				.build())
			.autoReconnect(true)
			// Fail commands at once while disconnected instead of buffering them, and never resend
			// an unanswered command after a reconnect: it may have been applied already.
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.build();
		return this.clientOptionsCustomizer.apply(options);
	}

	private static Duration atLeastOneSecond(Duration duration) {
		return (duration.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : duration;
	}

	/**
	 * Return the pause before the given reconnect attempt: doubling from 100 ms, with jitter so that
	 * many clients do not reconnect in step, capped at {@link #reconnectDelay()}.
	 * @return the delay
	 */
	Delay reconnectBackoff() {
		Duration cap = this.reconnectDelay;
		if (cap.compareTo(FIRST_RECONNECT_DELAY) <= 0) {
			return Delay.constant(cap);
		}
		return Delay.equalJitter(Duration.ZERO, cap, FIRST_RECONNECT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Return client resources for one pool: the shared event loops, timer and event bus, with this
	 * pool's reconnect backoff and unanswered-request watchdog. Shutting them down leaves the
	 * shared parts running.
	 * @param shared the application's client resources
	 * @return the pool's resources
	 */
	ClientResources resourcesFor(ClientResources shared) {
		NettyCustomizer own = shared.nettyCustomizer();
		Duration unanswered = unansweredTimeout();
		return DefaultClientResources.builder()
			.eventLoopGroupProvider(shared.eventLoopGroupProvider())
			.eventExecutorGroup(shared.eventExecutorGroup())
			.timer(shared.timer())
			.eventBus(shared.eventBus())
			.commandLatencyRecorder(shared.commandLatencyRecorder())
			.commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
			.tracing(shared.tracing())
			.socketAddressResolver(shared.socketAddressResolver())
			.addressResolverGroup(shared.addressResolverGroup())
			.reconnectDelay(reconnectBackoff())
			.nettyCustomizer(new NettyCustomizer() {

				@Override
				public void afterBootstrapInitialized(io.netty.bootstrap.Bootstrap bootstrap) {
					if (own != null) {
						own.afterBootstrapInitialized(bootstrap);
					}
				}

				@Override
				public void afterChannelInitialized(Channel channel) {
					if (own != null) {
						own.afterChannelInitialized(channel);
					}
					UnansweredRequestWatchdog.install(channel, unanswered);
				}

			})
			.build();
	}

}
