package io.gdnode.pool.sample;

import java.time.Duration;
import java.util.stream.IntStream;

import io.gdnode.pool.localredis.LocalRedisCluster;
import io.gdnode.pool.localredis.LocalRedisServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.annotation.DirtiesContext.MethodMode;
import org.springframework.test.context.DynamicPropertyRegistrar;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample, unchanged, against a real six-node Redis Cluster: only {@code redis.cluster.nodes}
 * ({@code REDIS_CLUSTER_NODES}) is set. Its default timeouts stay, so the failover measured here is
 * what an application with default settings sees.
 */
@Tag("long") // a whole Redis Cluster behind the sample application: run with -Pfull
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@DirtiesContext
class SampleClusterTests {

	/** The failover bound docs/topologies.md documents, with cluster-node-timeout 1000. */
	private static final Duration FAILOVER_BOUND = Duration.ofSeconds(10);

	@Autowired
	private RestTestClient http;

	@Autowired
	private LocalRedisCluster cluster;

	@Test
	void notesAreWrittenAndReadOnTheClusterAndThePoolsShowIt() {
		for (int i = 0; i < 20; i++) {
			this.http.put()
				.uri("/notes/{id}", i)
				.contentType(MediaType.TEXT_PLAIN)
				.body("note " + i)
				.exchange()
				.expectStatus()
				.isNoContent();
		}
		// Reads go to replicas, which replicate asynchronously.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.http.get().uri("/notes/{id}", 19).exchange().returnResult(String.class).getStatus()
				== HttpStatus.OK);
		for (int i = 0; i < 20; i++) {
			this.http.get().uri("/notes/{id}", i).exchange().expectBody(String.class).isEqualTo("note " + i);
			this.http.get().uri("/notes/{id}/async", i).exchange().expectBody(String.class).isEqualTo("note " + i);
		}
		this.http.get().uri("/notes").exchange().expectStatus().isOk().expectBody().jsonPath("$.length()").isEqualTo(20);
		RestTestClient.BodyContentSpec master = this.http.get().uri("/actuator/redispools/master").exchange().expectBody();
		master.jsonPath("$.topology").isEqualTo("cluster").jsonPath("$.nodes.length()").isEqualTo(6);
		this.http.get().uri("/actuator/redispools/slave").exchange().expectBody().jsonPath("$.reads")
			.isEqualTo("replicas-then-master");
		this.http.get().uri("/actuator/health").exchange().expectBody().jsonPath("$.status").isEqualTo("UP");
		String scrape = this.http.get().uri("/actuator/prometheus").exchange().returnResult(String.class)
			.getResponseBody();
		assertThat(scrape).contains("redis_pool_nodes{node_role=\"master\",pool=\"master\",role=\"master\",topology=\"cluster\",type=\"sync\"} 3.0");
	}

	@Test
	@DirtiesContext(methodMode = MethodMode.AFTER_METHOD)
	void notesAreWrittenAgainSoonAfterAMasterIsKilled() throws InterruptedException {
		LocalRedisServer victim = this.cluster.masters().get(0);
		String id = IntStream.range(0, 1000)
			.mapToObj(String::valueOf)
			.filter((candidate) -> write(candidate, "before") == HttpStatus.NO_CONTENT
					&& "1".equals(victim.command("EXISTS", "note:" + candidate)))
			.findFirst()
			.orElseThrow();
		victim.kill();
		long killed = System.nanoTime();
		while (write(id, "after") != HttpStatus.NO_CONTENT) {
			assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(FAILOVER_BOUND);
			Thread.sleep(10);
		}
		System.out.println("Sample cluster failover: PUT /notes/" + id + " answered 204 again "
				+ Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms after kill -9 of its master");
		// Once the replica has taken over, the pool leaves the dead master out of its nodes.
		await().atMost(FAILOVER_BOUND).untilAsserted(() -> this.http.get()
			.uri("/actuator/redispools/master")
			.exchange()
			.expectBody()
			.jsonPath("$.nodes.length()").isEqualTo(5)
			.jsonPath("$.nodes[?(@.address == '127.0.0.1:" + victim.port() + "')]").doesNotExist());
	}

	private HttpStatus write(String id, String text) {
		return HttpStatus.valueOf(this.http.put()
			.uri("/notes/{id}", id)
			.contentType(MediaType.TEXT_PLAIN)
			.body(text)
			.exchange()
			.returnResult(Void.class)
			.getStatus()
			.value());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class RedisCluster {

		@Bean
		LocalRedisCluster cluster() {
			return LocalRedisCluster.start(3, Duration.ofSeconds(1));
		}

		@Bean
		LocalRedisServer local() {
			return LocalRedisServer.start();
		}

		@Bean
		DynamicPropertyRegistrar redisProperties(LocalRedisCluster cluster, LocalRedisServer local) {
			return (registry) -> {
				registry.add("redis.cluster.nodes", cluster::seeds);
				registry.add("redis.local.url", local::url);
			};
		}

	}

}
