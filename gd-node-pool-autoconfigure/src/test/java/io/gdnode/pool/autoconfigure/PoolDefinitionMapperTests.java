package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolRole;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PoolDefinitionMapper}, without Spring or a server: pools open on first use only.
 */
class PoolDefinitionMapperTests {

	private final RedisPoolProperties properties = new RedisPoolProperties();

	@Test
	void defaultsGiveEachRoleItsPoolSizeAndTheLoopbackRedis() {
		assertThat(definition(ConfiguredRole.MASTER).maxTotal()).isEqualTo(10);
		assertThat(definition(ConfiguredRole.SLAVE).maxTotal()).isEqualTo(20);
		assertThat(definition(ConfiguredRole.LOCAL).maxTotal()).isEqualTo(5);
		assertThat(definition(ConfiguredRole.LOCAL).uri().getHost()).isEqualTo("localhost");
		assertThat(definition(ConfiguredRole.LOCAL).uri().getPort()).isEqualTo(6379);
		assertThat(definition(ConfiguredRole.MASTER).connection().commandTimeout()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void asyncPoolConnectsToTheMasterWithItsOwnSizes() {
		this.properties.getMaster().setUrl("redis://writer:7000/1");
		PoolDefinition async = definition(ConfiguredRole.ASYNC);
		assertThat(async.role()).isEqualTo(PoolRole.MASTER);
		assertThat(async.type()).isEqualTo(PoolType.ASYNC);
		assertThat(async.uri().getHost()).isEqualTo("writer");
		assertThat(async.uri().getDatabase()).isEqualTo(1);
		assertThat(async.maxTotal()).isEqualTo(20);
		assertThat(async.minIdle()).isEqualTo(5);
	}

	@Test
	void slaveUrlsOtherThanTheMasterAreItsReplicas() {
		this.properties.setUrl("redis://writer:6379");
		this.properties.getSlave().setUrl("redis://writer:6379, redis://reader-1:6380,redis://reader-2:6381");
		PoolTopology topology = definition(ConfiguredRole.SLAVE).topology();
		assertThat(topology.nodes()).contains("reader-1:6380", "reader-2:6381").doesNotContain("writer:6379");
		assertThat(topology.reads()).isEqualTo(PoolTopology.Reads.REPLICAS_THEN_MASTER);
	}

	@Test
	void fallbackNoneMakesReadsFailWithoutAReplica() {
		this.properties.getSlave().setDiscovery(true);
		this.properties.getSlave().setFallback(RedisPoolProperties.Fallback.NONE);
		assertThat(definition(ConfiguredRole.SLAVE).topology().reads()).isEqualTo(PoolTopology.Reads.REPLICAS);
		assertThat(definition(ConfiguredRole.MASTER).topology()).isEqualTo(PoolTopology.STANDALONE);
	}

	@Test
	void sentinelAppliesToMasterSlaveAndAsyncButNotLocal() {
		this.properties.getSentinel().setMaster("mymaster");
		this.properties.getSentinel().setNodes(List.of(" s1:26379", "s2:26379 "));
		for (ConfiguredRole role : new ConfiguredRole[] { ConfiguredRole.MASTER, ConfiguredRole.SLAVE, ConfiguredRole.ASYNC }) {
			assertThat(definition(role).topology().kind()).as(role.id()).isEqualTo(PoolTopology.Kind.SENTINEL);
			assertThat(definition(role).topology().nodes()).containsExactly("s1:26379", "s2:26379");
		}
		assertThat(definition(ConfiguredRole.LOCAL).topology()).isEqualTo(PoolTopology.STANDALONE);
	}

	@Test
	void clientNameIsTheApplicationNameWithoutSpacesElseGdNode() {
		assertThat(new PoolDefinitionMapper(this.properties, SpringDataRedisSettings.NONE, UnaryOperator.identity())
			.definition(ConfiguredRole.MASTER, "order service", null)
			.uri()
			.getClientName()).isEqualTo("order-service");
		assertThat(definition(ConfiguredRole.MASTER).uri().getClientName()).isEqualTo("gd-node");
		this.properties.getClient().setName("orders");
		assertThat(definition(ConfiguredRole.MASTER).uri().getClientName()).isEqualTo("orders");
	}

	private PoolDefinition definition(ConfiguredRole role) {
		return new PoolDefinitionMapper(this.properties, SpringDataRedisSettings.NONE, UnaryOperator.identity())
			.definition(role, null, null);
	}

}
