package io.gdnode.pool.connect;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gdnode.pool.ConnectionSettings;
import io.gdnode.pool.PoolType;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;

/**
 * Lettuce's client options and client resources for a pool's {@link ConnectionSettings}: every
 * wait bounded, dead peers found by keepalive, nothing resent after a reconnect.
 */
public final class LettuceOptions {

	/** The first pause before a reconnect, doubled per failed attempt up to the cap. */
	private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(100);

	private LettuceOptions() {
	}

	/**
	 * Return the codec of a pool's connections: byte arrays for Spring Data Redis's connections
	 * (its reactive ones write their byte-buffer commands on them), Strings for the async pool.
	 * @param type the pool type
	 * @return the codec
	 */
	public static RedisCodec<?, ?> codec(PoolType type) {
		return switch (type) {
			case SYNC -> ByteArrayCodec.INSTANCE;
			case ASYNC -> StringCodec.UTF8;
		};
	}

	/**
	 * Return the options of every connection of a pool, the application's customizer applied last.
	 * @param settings the pool's connection settings
	 * @return the client options
	 */
	public static ClientOptions clientOptions(ConnectionSettings settings) {
		SocketOptions.Builder socket = SocketOptions.builder()
			.connectTimeout(settings.connectTimeout())
			.keepAlive(SocketOptions.KeepAliveOptions.builder()
				.enable()
				.idle(atLeastOneSecond(settings.keepAlive()))
				.interval(settings.keepAliveInterval())
				.count(ConnectionSettings.KEEPALIVE_PROBES)
				.build());
		// TCP_USER_TIMEOUT also ends a connection whose sent data stays unacknowledged; the JDK's
		// own transport cannot set it, the native epoll one can.
		if (EpollProvider.isAvailable()) {
			socket.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder()
				.enable()
				.tcpUserTimeout(settings.deadPeerTimeout())
				.build());
		}
		ClientOptions options = ClientOptions.builder()
			.socketOptions(socket.build())
			.requestQueueSize(settings.requestQueue())
			.timeoutOptions(TimeoutOptions.builder()
				.timeoutCommands(true)
				.timeoutSource(new BlockingTimeoutSource(settings.commandTimeout()))
				.build())
			.autoReconnect(true)
			// Fail commands at once while disconnected instead of buffering them, and never resend
			// an unanswered command after a reconnect: it may have been applied already.
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.build();
		return settings.clientOptionsCustomizer().apply(options);
	}

	private static Duration atLeastOneSecond(Duration duration) {
		return (duration.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : duration;
	}

	/**
	 * Return the pause before a reconnect attempt: doubling from 100 ms, with jitter so that many
	 * clients do not reconnect in step, capped at the settings' reconnect delay.
	 * @param settings the pool's connection settings
	 * @return the delay
	 */
	static Delay reconnectBackoff(ConnectionSettings settings) {
		Duration cap = settings.reconnectDelay();
		if (cap.compareTo(FIRST_RECONNECT_DELAY) <= 0) {
			return Delay.constant(cap);
		}
		return Delay.equalJitter(Duration.ZERO, cap, FIRST_RECONNECT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Return client resources for one pool: the shared event loops, timer and event bus, with this
	 * pool's reconnect backoff and unanswered-request watchdog. Shutting them down leaves the
	 * shared parts running.
	 * @param settings the pool's connection settings
	 * @param shared the application's client resources
	 * @return the pool's resources
	 */
	public static ClientResources resourcesFor(ConnectionSettings settings, ClientResources shared) {
		NettyCustomizer own = shared.nettyCustomizer();
		Duration unanswered = settings.unansweredTimeout();
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
			.reconnectDelay(reconnectBackoff(settings))
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
