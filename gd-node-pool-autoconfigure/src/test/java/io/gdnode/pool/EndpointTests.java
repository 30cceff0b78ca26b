package io.gdnode.pool;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Endpoint}: where a pool connects, as logs, errors and statistics show it,
 * for every topology; no server runs.
 */
class EndpointTests {

	@Test
	void standaloneUrlHasTheUserAndDatabaseButNoPassword() {
		Endpoint endpoint = Endpoint.of(definition("redis://app:s3cr3t@127.0.0.1:6390/2", PoolTopology.STANDALONE));
		assertThat(endpoint.address()).isEqualTo("127.0.0.1:6390/2");
		assertThat(endpoint.url()).isEqualTo("redis://app@127.0.0.1:6390/2");
		assertThat(endpoint).hasToString("redis://app@127.0.0.1:6390/2");
	}

	@Test
	void passwordWithoutAUserLeavesNoTrace() {
		assertThat(Endpoint.of(definition("rediss://:s3cr3t@127.0.0.1:6390", PoolTopology.STANDALONE)).url())
			.isEqualTo("rediss://127.0.0.1:6390/0");
	}

	@Test
	void sentinelUrlListsTheSentinelsDatabaseAndMasterName() {
		PoolTopology sentinels = PoolTopology.sentinel("mymaster", List.of("127.0.0.1:26379", "127.0.0.1:26380"),
				"t0p".toCharArray(), PoolTopology.Reads.MASTER);
		Endpoint endpoint = Endpoint.of(definition("redis://app:s3cr3t@127.0.0.1:6390/1", sentinels));
		assertThat(endpoint.url()).isEqualTo("redis-sentinel://app@127.0.0.1:26379,127.0.0.1:26380/1#mymaster");
		assertThat(Endpoint.of(definition("rediss://127.0.0.1:6390/1", sentinels)).url())
			.startsWith("rediss-sentinel://127.0.0.1:26379");
	}

	@Test
	void clusterUrlListsTheSeeds() {
		PoolTopology cluster = PoolTopology.cluster(List.of("127.0.0.1:7000", "127.0.0.1:7001"),
				PoolTopology.Reads.MASTER, Duration.ofSeconds(30));
		assertThat(Endpoint.of(definition("rediss://127.0.0.1:7000", cluster)).url())
			.isEqualTo("rediss://127.0.0.1:7000,127.0.0.1:7001");
	}

	@Test
	void replicaListUrlIsTheMastersFromTheUri() {
		PoolTopology replicas = PoolTopology.replicas("127.0.0.1:6390", List.of("127.0.0.1:6391"),
				PoolTopology.Reads.REPLICAS);
		assertThat(Endpoint.of(definition("redis://127.0.0.1:6390", replicas)).url())
			.isEqualTo("redis://127.0.0.1:6390/0");
	}

	@Test
	void endpointBeforeAPoolIsDefinedShowsTheGivenUserOrNone() {
		RedisURI uri = RedisURI.create("redis://app:s3cr3t@127.0.0.1:6390/2");
		assertThat(Endpoint.of(uri, "app", PoolTopology.STANDALONE))
			.isEqualTo(Endpoint.of(definition("redis://app:s3cr3t@127.0.0.1:6390/2", PoolTopology.STANDALONE)));
		assertThat(Endpoint.of(uri, null, PoolTopology.STANDALONE).url()).isEqualTo("redis://127.0.0.1:6390/2");
		assertThat(PoolDefinition.credentials(uri).getUsername()).isEqualTo("app");
	}

	private static PoolDefinition definition(String uri, PoolTopology topology) {
		return new PoolDefinition(PoolRole.MASTER, PoolType.SYNC, RedisURI.create(uri),
				ConnectionSettings.defaults(Duration.ofSeconds(1), Duration.ofSeconds(1)), true, 10, 0,
				Duration.ofSeconds(1), topology, null);
	}

}
