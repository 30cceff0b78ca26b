package io.gdnode.pool.actuate;

import java.util.List;
import java.util.Map;

import io.gdnode.pool.PoolNode;
import io.gdnode.pool.PoolStats;
import io.gdnode.pool.RegistryStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StatsJson}: the keys and order the endpoint's JSON has always had.
 */
class StatsJsonTests {

	@Test
	@SuppressWarnings("unchecked")
	void registryStatsUseTheEndpointsKeysInDeclarationOrder() {
		PoolStats master = new PoolStats("master", "master", "sync", "redis://h:6379/0", true, 10, 0, 1, 2, 0, 4, 1,
				5, 1, 7, 3, 0, 0, 12, 1, 0, "standalone", "master", List.of(new PoolNode("h:6379", "standalone")));
		Object json = StatsJson.of(new RegistryStats(1, Map.of("master", master)));
		assertThat(json).isInstanceOf(Map.class);
		Map<Object, Object> registry = (Map<Object, Object>) json;
		assertThat(registry.keySet()).containsExactly("total_pools", "pools");
		Map<Object, Object> pool = (Map<Object, Object>) ((Map<?, ?>) registry.get("pools")).get("master");
		assertThat(pool.keySet()).containsExactly("name", "role", "type", "endpoint", "pooled", "max", "min", "active",
				"idle", "waiting", "connections", "leases", "created", "destroyed", "borrowed", "transactions",
				"timeouts", "leaked", "acquire_ms", "clients", "idle_time", "topology", "reads", "nodes");
		assertThat(pool.get("acquire_ms")).isEqualTo(12L);
		assertThat(pool.get("nodes")).isEqualTo(List.of(Map.of("address", "h:6379", "role", "standalone")));
	}

	@Test
	void plainValuesAreKept() {
		assertThat(StatsJson.of("text")).isEqualTo("text");
		assertThat(StatsJson.of(null)).isNull();
	}

}
