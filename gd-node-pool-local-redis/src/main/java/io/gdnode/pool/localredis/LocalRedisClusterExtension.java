package io.gdnode.pool.localredis;

import java.time.Duration;
import java.util.List;

/**
 * A JUnit extension that owns a {@link LocalRedisCluster}:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * final LocalRedisClusterExtension redis = LocalRedisClusterExtension.cluster(3, Duration.ofSeconds(1));
 * </pre>
 *
 * In a static field the cluster starts before the first test of the class and stops after the
 * last; in an instance field it starts before each test and stops after it.
 */
public final class LocalRedisClusterExtension extends LocalRedisLifecycle<LocalRedisCluster> {

	private final int masters;

	private final Duration nodeTimeout;

	private LocalRedisClusterExtension(int masters, Duration nodeTimeout) {
		this.masters = masters;
		this.nodeTimeout = nodeTimeout;
	}

	/**
	 * A cluster of {@code masters} masters with one replica each.
	 * @param nodeTimeout how long a node may not answer before the cluster fails it over
	 */
	public static LocalRedisClusterExtension cluster(int masters, Duration nodeTimeout) {
		if (masters < 3) {
			throw new IllegalArgumentException("A Redis Cluster needs at least 3 masters, was " + masters);
		}
		return new LocalRedisClusterExtension(masters, nodeTimeout);
	}

	/** The running cluster. */
	public LocalRedisCluster cluster() {
		return started();
	}

	/** Every node, masters and replicas. */
	public List<LocalRedisServer> nodes() {
		return cluster().nodes();
	}

	/** The seed list a client is configured with: {@code host:port,host:port,...}. */
	public String seeds() {
		return cluster().seeds();
	}

	@Override
	LocalRedisCluster start() {
		return LocalRedisCluster.start(this.masters, this.nodeTimeout);
	}

}
