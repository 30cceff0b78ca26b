package io.gdnode.pool.sample;

import java.time.Duration;

import io.gdnode.pool.localredis.LocalRedisCluster;
import io.gdnode.pool.localredis.LocalRedisServer;
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
import org.springframework.test.context.DynamicPropertyRegistrar;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample, unchanged, against a real six-node Redis Cluster: only {@code redis.cluster.nodes}
 * ({@code REDIS_CLUSTER_NODES}) is set.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@DirtiesContext
class SampleClusterTests {

	@Autowired
	private RestTestClient http;

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
