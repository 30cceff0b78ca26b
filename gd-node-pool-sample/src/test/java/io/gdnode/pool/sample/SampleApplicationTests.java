package io.gdnode.pool.sample;

import java.time.Duration;
import java.util.UUID;

import io.gdnode.pool.localredis.LocalRedisServer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

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
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample over HTTP, against a real Redis master and replica started for its application
 * context and stopped with it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class SampleApplicationTests {

	/** Prefix of this application's connection names, unique so that CLIENT LIST counts only them. */
	private static final String CLIENT_NAME = "sample-tests-" + UUID.randomUUID().toString().substring(0, 8);

	private static final Duration REPLICATION_WAIT = Duration.ofSeconds(5);

	@Autowired
	private RestTestClient http;

	@Autowired
	private LocalRedisServer master;

	@Autowired
	private LocalRedisServer replica;

	@Test
	@Order(1)
	void noPoolIsOpenBeforeTheFirstRequest() {
		this.http.get().uri("/actuator/redispools").exchange().expectBody().jsonPath("$.total_pools").isEqualTo(0);
		assertThat(this.master.clientsNamed(CLIENT_NAME)).isZero();
		assertThat(this.replica.clientsNamed(CLIENT_NAME)).isZero();
	}

	@Test
	void noteWrittenToTheMasterIsReadFromTheReplica() throws InterruptedException {
		write("replicated", "from the master");
		assertThat(this.master.command("GET", "note:replicated")).isEqualTo("from the master");
		EntityExchangeResult<String> read = readFromReplica("replicated");
		assertThat(read.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(read.getResponseBody()).isEqualTo("from the master");
		assertThat(this.master.clientsNamed(CLIENT_NAME + "-master")).isPositive();
		assertThat(this.replica.clientsNamed(CLIENT_NAME + "-slave")).isPositive();
	}

	@Test
	void missingNoteIsNotFound() {
		this.http.get().uri("/notes/{id}", "never-written").exchange().expectStatus().isNotFound();
		this.http.get().uri("/notes/{id}/async", "never-written").exchange().expectStatus().isNotFound();
	}

	@Test
	void visitsAreCountedOnTheLocalRedis() {
		this.master.command("DEL", "visits");
		assertThat(visit()).isEqualTo(1);
		assertThat(visit()).isEqualTo(2);
		assertThat(this.master.command("GET", "visits")).isEqualTo("2");
	}

	@Test
	void noteIsReadThroughTheAsyncPool() {
		write("async", "without blocking");
		this.http.get()
			.uri("/notes/{id}/async", "async")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("without blocking");
	}

	@Test
	void notesAreListedReactively() {
		write("listed-1", "one");
		write("listed-2", "two");
		this.http.get()
			.uri("/notes")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[?(@ == 'listed-1')]")
			.exists()
			.jsonPath("$[?(@ == 'listed-2')]")
			.exists();
	}

	@Test
	void poolsEndpointReportsThePoolsInUse() throws InterruptedException {
		write("stats", "counted");
		readFromReplica("stats");
		visit();
		this.http.get().uri("/notes/{id}/async", "stats").exchange().expectStatus().isOk();
		RestTestClient.BodyContentSpec pools = this.http.get().uri("/actuator/redispools").exchange().expectBody();
		pools.jsonPath("$.total_pools").value(Integer.class, (total) -> assertThat(total).isGreaterThanOrEqualTo(4));
		pools.jsonPath("$.pools.master.type").isEqualTo("sync").jsonPath("$.pools.master.idle_time").exists();
		pools.jsonPath("$.pools.slave.type").isEqualTo("sync").jsonPath("$.pools.slave.idle_time").exists();
		pools.jsonPath("$.pools.local.type").isEqualTo("sync").jsonPath("$.pools.local.idle_time").exists();
		pools.jsonPath("$.pools.async.type").isEqualTo("async").jsonPath("$.pools.async.idle_time").exists();
		this.http.get().uri("/actuator/redispools/master").exchange().expectStatus().isOk();
		this.http.get().uri("/actuator/redispools/nope").exchange().expectStatus().isNotFound();
	}

	@Test
	void poolMetersAreScrapedByPrometheus() {
		write("scraped", "1");
		String scrape = this.http.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseBody();
		assertThat(scrape).contains("redis_pool_connections_active{pool=\"master\",role=\"master\",type=\"sync\"}")
			.contains("redis_pool_connections_opened_total{pool=\"master\"")
			.contains("redis_pools_open ");
	}

	@Test
	void healthIsUp() {
		this.http.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	private void write(String id, String text) {
		this.http.put()
			.uri("/notes/{id}", id)
			.contentType(MediaType.TEXT_PLAIN)
			.body(text)
			.exchange()
			.expectStatus()
			.isNoContent();
	}

	/** Read a note through the slave, giving replication a few seconds to bring it there. */
	private EntityExchangeResult<String> readFromReplica(String id) throws InterruptedException {
		long deadline = System.nanoTime() + REPLICATION_WAIT.toNanos();
		EntityExchangeResult<String> result = read(id);
		while (result.getStatus() == HttpStatus.NOT_FOUND && System.nanoTime() < deadline) {
			Thread.sleep(50);
			result = read(id);
		}
		return result;
	}

	private EntityExchangeResult<String> read(String id) {
		return this.http.get().uri("/notes/{id}", id).exchange().returnResult(String.class);
	}

	private long visit() {
		return this.http.post()
			.uri("/visits")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Long.class)
			.returnResult()
			.getResponseBody();
	}

	/**
	 * The Redis servers, as beans of the application context: they outlive its pools, and stop
	 * when it closes instead of leaving its connections reconnecting to nothing.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class RedisServers {

		@Bean
		LocalRedisServer master() {
			return LocalRedisServer.start();
		}

		@Bean
		LocalRedisServer replica(LocalRedisServer master) {
			return LocalRedisServer.startReplicaOf(master);
		}

		@Bean
		DynamicPropertyRegistrar redisProperties(LocalRedisServer master, LocalRedisServer replica) {
			return (registry) -> {
				registry.add("redis.master.url", master::url);
				registry.add("redis.slave.url", replica::url);
				registry.add("redis.local.url", master::url);
				registry.add("redis.client.name", () -> CLIENT_NAME);
			};
		}

	}

}
