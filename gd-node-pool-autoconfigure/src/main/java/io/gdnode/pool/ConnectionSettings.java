package io.gdnode.pool;

import java.time.Duration;
import java.util.function.UnaryOperator;

import io.lettuce.core.ClientOptions;

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
	public static final int KEEPALIVE_PROBES = 3;

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

	/**
	 * Return the pause between two keepalive probes: a third of the keepalive idle time, at least a second.
	 * @return the probe interval
	 */
	public Duration keepAliveInterval() {
		Duration third = this.keepAlive.dividedBy(KEEPALIVE_PROBES);
		return (third.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : third;
	}

}
