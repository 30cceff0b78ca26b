package io.gdnode.pool.connect;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import io.gdnode.pool.PoolNode;
import io.gdnode.pool.PoolTopology;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisURI;
import io.lettuce.core.models.role.RedisInstance.Role;
import io.lettuce.core.models.role.RedisNodeDescription;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReplicaReads}: which servers a read may go to, in which order, and what the
 * statistics are told, for node lists as Lettuce hands them over; no server runs.
 */
class ReplicaReadsTests {

	private static final Node MASTER = new Node("127.0.0.1", 6390, Role.UPSTREAM);

	private static final Node FIRST = new Node("127.0.0.1", 6391, Role.REPLICA);

	private static final Node SECOND = new Node("127.0.0.1", 6392, Role.REPLICA);

	private static final Node THIRD = new Node("127.0.0.1", 6393, Role.REPLICA);

	private final List<List<PoolNode>> seen = new ArrayList<>();

	@Test
	void masterReadsGoToTheMasterOnly() {
		ReadFrom reads = ReplicaReads.of(PoolTopology.Reads.MASTER, null);
		assertThat(reads.select(nodes(FIRST, MASTER, SECOND))).containsExactly(MASTER);
	}

	@Test
	void replicaReadsGoToReplicasOnlyInANewRandomOrderEachTime() {
		ReadFrom reads = ReplicaReads.of(PoolTopology.Reads.REPLICAS, null);
		Set<RedisNodeDescription> firstChoices = new HashSet<>();
		// Each replica comes first with a chance of 1 in 3: missing one in 300 reads has a chance of about 1e-52.
		for (int i = 0; i < 300; i++) {
			List<RedisNodeDescription> selected = reads.select(nodes(MASTER, FIRST, SECOND, THIRD));
			assertThat(selected).containsExactlyInAnyOrder(FIRST, SECOND, THIRD);
			firstChoices.add(selected.get(0));
		}
		assertThat(firstChoices).containsExactlyInAnyOrder(FIRST, SECOND, THIRD);
	}

	@Test
	void replicasThenMasterPutsTheMasterLast() {
		ReadFrom reads = ReplicaReads.of(PoolTopology.Reads.REPLICAS_THEN_MASTER, null);
		List<RedisNodeDescription> selected = reads.select(nodes(MASTER, FIRST, SECOND));
		assertThat(selected).hasSize(3).endsWith(MASTER);
		assertThat(selected.subList(0, 2)).containsExactlyInAnyOrder(FIRST, SECOND);
		assertThat(reads.select(nodes(MASTER))).containsExactly(MASTER);
	}

	@Test
	void replicaReadsWithoutReplicasSelectNothing() {
		assertThat(ReplicaReads.of(PoolTopology.Reads.REPLICAS, null).select(nodes(MASTER))).isEmpty();
	}

	@Test
	void orderMattersToLettuce() {
		assertThat(((ReplicaReads) ReplicaReads.of(PoolTopology.Reads.REPLICAS, null)).isOrderSensitive()).isTrue();
		assertThat(ReplicaReads.of(PoolTopology.Reads.REPLICAS_THEN_MASTER, null)).hasToString("replicas-then-master");
	}

	@Test
	void observerIsToldTheServersSortedByAddressOnlyWhenTheyChange() {
		ReplicaReads reads = (ReplicaReads) ReplicaReads.of(PoolTopology.Reads.REPLICAS, this.seen::add);
		assertThat(reads.view()).isNull();
		reads.select(nodes(SECOND, MASTER, FIRST));
		reads.select(nodes(SECOND, MASTER, FIRST));
		List<PoolNode> expected = List.of(new PoolNode("127.0.0.1:6390", "master"),
				new PoolNode("127.0.0.1:6391", "replica"), new PoolNode("127.0.0.1:6392", "replica"));
		assertThat(this.seen).containsExactly(expected);
		assertThat(reads.view()).isEqualTo(expected);
	}

	@Test
	void observerIsToldOfAFailover() {
		ReplicaReads reads = (ReplicaReads) ReplicaReads.of(PoolTopology.Reads.MASTER, this.seen::add);
		reads.select(nodes(MASTER, FIRST));
		Node promoted = new Node("127.0.0.1", 6391, Role.UPSTREAM);
		reads.select(nodes(promoted));
		assertThat(this.seen).hasSize(2);
		assertThat(this.seen.get(1)).containsExactly(new PoolNode("127.0.0.1:6391", "master"));
		assertThat(reads.view()).isEqualTo(this.seen.get(1));
	}

	@Test
	void withoutAnObserverNoViewIsKept() {
		ReplicaReads reads = (ReplicaReads) ReplicaReads.of(PoolTopology.Reads.REPLICAS, null);
		reads.select(nodes(MASTER, FIRST));
		assertThat(reads.view()).isNull();
	}

	private static ReadFrom.Nodes nodes(RedisNodeDescription... nodes) {
		List<RedisNodeDescription> list = List.of(nodes);
		return new ReadFrom.Nodes() {

			@Override
			public List<RedisNodeDescription> getNodes() {
				return list;
			}

			@Override
			public Iterator<RedisNodeDescription> iterator() {
				return list.iterator();
			}

		};
	}

	/** A server as Lettuce describes it. */
	private record Node(String host, int port, Role role) implements RedisNodeDescription {

		@Override
		public RedisURI getUri() {
			return RedisURI.create(this.host, this.port);
		}

		@Override
		public Role getRole() {
			return this.role;
		}

	}

}
