package io.gdnode.pool.registry;

import java.time.Duration;
import java.util.List;

import io.gdnode.pool.ConnectionSettings;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolRole;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolType;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PoolKey}: which definitions share a pool, and that its description hides the password;
 * no server runs (client resources are created but never connect).
 */
class PoolKeyTests {

	private static final ConnectionSettings CONNECTION = ConnectionSettings.defaults(Duration.ofSeconds(1),
			Duration.ofSeconds(1));

	private static ClientResources resources;

	private static ClientResources otherResources;

	@BeforeAll
	static void createResources() {
		resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
		otherResources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1).build();
	}

	@AfterAll
	static void shutDownResources() {
		resources.shutdown();
		otherResources.shutdown();
	}

	@Test
	void sameDefinitionOnTheSameEventLoopsSharesOnePool() {
		PoolKey key = shared("redis://app:secret@127.0.0.1:6390/2", PoolRole.MASTER, 10);
		PoolKey same = shared("redis://app:secret@127.0.0.1:6390/2", PoolRole.MASTER, 10);
		assertThat(key).isEqualTo(same).hasSameHashCodeAs(same);
	}

	@Test
	void poolSizesDoNotTakePart() {
		assertThat(shared("redis://127.0.0.1:6390", PoolRole.MASTER, 10))
			.isEqualTo(shared("redis://127.0.0.1:6390", PoolRole.MASTER, 50));
	}

	@Test
	void roleEndpointDatabaseUserPasswordAndTlsEachTakePart() {
		PoolKey key = shared("redis://app:secret@127.0.0.1:6390/2", PoolRole.MASTER, 10);
		assertThat(key).isNotEqualTo(shared("redis://app:secret@127.0.0.1:6390/2", PoolRole.SLAVE, 10))
			.isNotEqualTo(shared("redis://app:secret@127.0.0.1:6391/2", PoolRole.MASTER, 10))
			.isNotEqualTo(shared("redis://app:secret@127.0.0.1:6390/3", PoolRole.MASTER, 10))
			.isNotEqualTo(shared("redis://other:secret@127.0.0.1:6390/2", PoolRole.MASTER, 10))
			.isNotEqualTo(shared("redis://app:other@127.0.0.1:6390/2", PoolRole.MASTER, 10))
			.isNotEqualTo(shared("rediss://app:secret@127.0.0.1:6390/2", PoolRole.MASTER, 10));
	}

	@Test
	void typeTakesPart() {
		PoolDefinition blocking = definition("redis://127.0.0.1:6390", PoolRole.MASTER, 10, PoolTopology.STANDALONE);
		PoolDefinition async = new PoolDefinition(PoolRole.MASTER, PoolType.ASYNC, blocking.uri(), CONNECTION, true, 10,
				0, Duration.ofSeconds(1), PoolTopology.STANDALONE, null);
		assertThat(PoolKey.shared(blocking, resources)).isNotEqualTo(PoolKey.shared(async, resources));
	}

	@Test
	void topologyTakesPart() {
		PoolDefinition standalone = definition("redis://127.0.0.1:6390", PoolRole.SLAVE, 10, PoolTopology.STANDALONE);
		PoolDefinition replicas = definition("redis://127.0.0.1:6390", PoolRole.SLAVE, 10,
				PoolTopology.replicas("127.0.0.1:6390", List.of("127.0.0.1:6391"), PoolTopology.Reads.REPLICAS));
		assertThat(PoolKey.shared(standalone, resources)).isNotEqualTo(PoolKey.shared(replicas, resources));
	}

	@Test
	void otherEventLoopsGetAPoolOfTheirOwn() {
		PoolDefinition definition = definition("redis://127.0.0.1:6390", PoolRole.MASTER, 10, PoolTopology.STANDALONE);
		assertThat(PoolKey.shared(definition, resources)).isNotEqualTo(PoolKey.shared(definition, otherResources));
	}

	@Test
	void exclusiveKeysNeverShare() {
		PoolDefinition definition = definition("redis://127.0.0.1:6390", PoolRole.MASTER, 10, PoolTopology.STANDALONE);
		PoolKey exclusive = PoolKey.exclusive(definition, resources);
		assertThat(exclusive).isEqualTo(exclusive)
			.isNotEqualTo(PoolKey.exclusive(definition, resources))
			.isNotEqualTo(PoolKey.shared(definition, resources));
	}

	@Test
	void descriptionShowsTheUserButNeverThePassword() {
		assertThat(shared("redis://app:s3cr3t@127.0.0.1:6390/2", PoolRole.MASTER, 10))
			.hasToString("master/sync redis://app@127.0.0.1:6390/2");
		assertThat(shared("redis://:s3cr3t@127.0.0.1:6390", PoolRole.LOCAL, 10))
			.hasToString("local/sync redis://127.0.0.1:6390/0");
	}

	private static PoolKey shared(String uri, PoolRole role, int size) {
		return PoolKey.shared(definition(uri, role, size, PoolTopology.STANDALONE), resources);
	}

	private static PoolDefinition definition(String uri, PoolRole role, int size, PoolTopology topology) {
		return new PoolDefinition(role, PoolType.SYNC, RedisURI.create(uri), CONNECTION, true, size, 0,
				Duration.ofSeconds(1), topology, null);
	}

}
