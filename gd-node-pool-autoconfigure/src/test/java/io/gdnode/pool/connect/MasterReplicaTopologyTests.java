package io.gdnode.pool.connect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the {@code INFO replication} parser of {@link MasterReplicaTopology}, on answers as
 * Redis writes them; no server runs.
 */
class MasterReplicaTopologyTests {

	@Test
	void onlineReplicasAreTheReplicaLinesInStateOnline() {
		String info = """
				# Replication\r
				role:master\r
				connected_slaves:3\r
				slave0:ip=127.0.0.1,port=6380,state=online,offset=42,lag=0\r
				slave1:ip=10.0.0.7,port=7001,state=online,offset=42,lag=1\r
				slave2:ip=127.0.0.1,port=6381,state=wait_bgsave,offset=0,lag=0\r
				master_failover_state:no-failover\r
				master_replid:8c2b1d5e0f3a4b6c7d8e9f0a1b2c3d4e5f6a7b8c\r
				master_repl_offset:42\r
				""";
		assertThat(MasterReplicaTopology.onlineReplicas(info)).containsExactlyInAnyOrder("127.0.0.1:6380",
				"10.0.0.7:7001");
	}

	@Test
	void replicaSettingsOfAReplicaAreNotTakenForReplicas() {
		String info = """
				# Replication
				role:slave
				master_host:127.0.0.1
				master_port:6379
				master_link_status:up
				slave_read_repl_offset:42
				slave_repl_offset:42
				slave_priority:100
				slave_read_only:1
				replica_announced:1
				connected_slaves:0
				""";
		assertThat(MasterReplicaTopology.onlineReplicas(info)).isEmpty();
	}

	@Test
	void masterWithoutReplicasHasNone() {
		assertThat(MasterReplicaTopology.onlineReplicas("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"))
			.isEmpty();
		assertThat(MasterReplicaTopology.onlineReplicas("")).isEmpty();
	}

	@Test
	void ipv6AddressIsTakenWhole() {
		String info = "slave0:ip=::1,port=6380,state=online,offset=1,lag=0\n";
		assertThat(MasterReplicaTopology.onlineReplicas(info)).containsExactly("::1:6380");
	}

}
