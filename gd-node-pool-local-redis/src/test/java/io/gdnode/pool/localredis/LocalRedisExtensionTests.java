package io.gdnode.pool.localredis;

import java.io.UncheckedIOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link LocalRedisExtension}: when its real redis-server processes start and stop,
 * driven through JUnit's callbacks as a static or an instance field would be, and what it starts.
 */
class LocalRedisExtensionTests {

	@RegisterExtension
	static final LocalRedisExtension registered = LocalRedisExtension.standalone("--maxmemory-policy", "allkeys-lru");

	@Test
	void registeredStaticExtensionHasStartedItsServerWithTheGivenArgumentsBeforeTheTest() {
		assertThat(registered.command("PING")).isEqualTo("PONG");
		assertThat(registered.command("CONFIG", "GET", "maxmemory-policy")).isEqualTo("maxmemory-policy\nallkeys-lru");
		assertThat(registered.url()).isEqualTo("redis://127.0.0.1:" + registered.port());
		assertThat(registered.url(2)).isEqualTo(registered.server().url(2));
		assertThat(registered.host()).isEqualTo("127.0.0.1");
	}

	@Test
	void staticFieldKeepsOneServerForEveryTestOfTheClassAndStopsItAfterAll() throws Exception {
		LocalRedisExtension redis = LocalRedisExtension.standalone();
		ExtensionContext testClass = context("[class:Example]");
		ExtensionContext test = context("[class:Example]/[method:first()]");
		redis.beforeAll(testClass);
		LocalRedisServer server = redis.server();
		redis.beforeEach(test);
		assertThat(redis.server()).isSameAs(server);
		redis.afterEach(test);
		assertThat(server.command("PING")).isEqualTo("PONG");
		redis.afterAll(testClass);
		assertStopped(server);
		assertThatIllegalStateException().isThrownBy(redis::server).withMessageContaining("has not started yet");
	}

	@Test
	void instanceFieldStartsAFreshServerForEachTestAndStopsItAfterThatTest() throws Exception {
		LocalRedisExtension redis = LocalRedisExtension.standalone();
		ExtensionContext first = context("[class:Example]/[method:first()]");
		ExtensionContext second = context("[class:Example]/[method:second()]");
		redis.beforeEach(first);
		LocalRedisServer firstServer = redis.server();
		firstServer.command("SET", "left", "behind");
		redis.afterEach(first);
		assertStopped(firstServer);
		redis.beforeEach(second);
		LocalRedisServer secondServer = redis.server();
		try {
			assertThat(secondServer).isNotSameAs(firstServer);
			assertThat(redis.command("DBSIZE")).isEqualTo("0");
		}
		finally {
			redis.afterEach(second);
		}
		assertStopped(secondServer);
	}

	@Test
	void nestedClassSharesTheOuterClassesServerAndLeavesItRunning() throws Exception {
		LocalRedisExtension redis = LocalRedisExtension.standalone();
		ExtensionContext outer = context("[class:Outer]");
		ExtensionContext nested = context("[class:Outer]/[nested-class:Inner]");
		redis.beforeAll(outer);
		LocalRedisServer server = redis.server();
		redis.beforeAll(nested);
		assertThat(redis.server()).isSameAs(server);
		redis.afterAll(nested);
		assertThat(server.command("PING")).isEqualTo("PONG");
		redis.afterAll(outer);
		assertStopped(server);
	}

	@Test
	void startsReplicasAndSentinelsAfterTheSetupOfTheServerAndStopsThemAll() throws Exception {
		LocalRedisExtension redis = LocalRedisExtension.standalone()
			.whenStarted((server) -> server.command("ACL", "SETUSER", "app", "on", ">secret", "~*", "+@all"))
			.withReplicas(2)
			.withSentinels(1, "watched", Duration.ofSeconds(1), Duration.ofSeconds(5), "sentinel-secret");
		ExtensionContext testClass = context("[class:Example]");
		redis.beforeAll(testClass);
		LocalRedisServer replica = redis.replica();
		LocalRedisServer sentinel = redis.sentinels().get(0);
		try {
			assertThat(redis.replicas()).hasSize(2).startsWith(replica);
			// Replicas copy the master's data, not its ACL users: the user was there before they started.
			assertThat(redis.command("ACL", "LIST")).contains("user app on");
			assertThat(replica.command("INFO", "replication")).contains("master_port:" + redis.port(),
					"master_link_status:up");
			assertThat(sentinel.command("INFO", "sentinel")).contains("slaves=2,sentinels=1");
		}
		finally {
			redis.afterAll(testClass);
		}
		assertStopped(replica);
		assertStopped(sentinel);
	}

	@Test
	void restartedServerReplacesTheStoppedOneAndStopsWithTheOthers() throws Exception {
		LocalRedisExtension redis = LocalRedisExtension.standalone().withReplicas(1);
		ExtensionContext test = context("[class:Example]/[method:first()]");
		redis.beforeEach(test);
		LocalRedisServer killed = redis.replica();
		LocalRedisServer restarted;
		try {
			killed.kill();
			restarted = redis.restart(killed);
			assertThat(restarted.port()).isEqualTo(killed.port());
			assertThat(redis.replicas()).containsExactly(restarted);
			assertThat(restarted.command("ROLE")).startsWith("slave\n");
			assertThatIllegalArgumentException().isThrownBy(() -> redis.restart(killed))
				.withMessageContaining("not a server of this extension");
		}
		finally {
			redis.afterEach(test);
		}
		assertStopped(restarted);
	}

	@Test
	void askingForWhatWasNotStartedSaysHowToAskForIt() throws Exception {
		LocalRedisExtension redis = LocalRedisExtension.standalone();
		ExtensionContext test = context("[class:Example]/[method:first()]");
		redis.beforeEach(test);
		try {
			assertThatIllegalStateException().isThrownBy(redis::replica).withMessageContaining("withReplicas");
			assertThatIllegalStateException().isThrownBy(redis::sentinels).withMessageContaining("withSentinels");
		}
		finally {
			redis.afterEach(test);
		}
	}

	@Test
	void clusterExtensionStartsAReadyClusterAndStopsEveryNode() throws Exception {
		LocalRedisClusterExtension redis = LocalRedisClusterExtension.cluster(3, Duration.ofSeconds(5));
		ExtensionContext testClass = context("[class:Example]");
		redis.beforeAll(testClass);
		LocalRedisServer node = redis.nodes().get(0);
		try {
			assertThat(redis.nodes()).hasSize(6);
			assertThat(redis.cluster().masters()).hasSize(3);
			assertThat(node.command("CLUSTER", "INFO")).contains("cluster_state:ok");
			assertThat(redis.seeds()).contains(node.host() + ":" + node.port());
		}
		finally {
			redis.afterAll(testClass);
		}
		assertStopped(node);
	}

	private static ExtensionContext context(String uniqueId) {
		ExtensionContext context = mock(ExtensionContext.class);
		given(context.getUniqueId()).willReturn(uniqueId);
		return context;
	}

	private static void assertStopped(LocalRedisServer server) {
		assertThatThrownBy(() -> server.command("PING")).isInstanceOf(UncheckedIOException.class);
	}

}
