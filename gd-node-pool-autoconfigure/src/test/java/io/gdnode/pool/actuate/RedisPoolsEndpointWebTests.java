package io.gdnode.pool.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.gdnode.pool.localredis.LocalRedisExtension;
import io.gdnode.pool.registry.BlockingPool;
import io.gdnode.pool.registry.BlockingPools;
import io.gdnode.pool.registry.SharedPoolRegistry;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.json.BasicJsonTester;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP tests for {@link RedisPoolsEndpoint} in a web application with Actuator.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=redispools,health",
		"management.endpoint.health.show-components=always", "redis.client.name=endpoint-test" })
class RedisPoolsEndpointWebTests {

	@RegisterExtension
	static final LocalRedisExtension redis = LocalRedisExtension.standalone();

	private final HttpClient http = HttpClient.newHttpClient();

	private final BasicJsonTester json = new BasicJsonTester(getClass());

	@LocalServerPort
	private int port;

	@Autowired
	private StringRedisTemplate template;

	@Autowired
	private SharedPoolRegistry registry;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		// A password in the URL must never reach the endpoint's output.
		redis.command("CONFIG", "SET", "requirepass", "t0p-secret");
		registry.add("redis.url", () -> "redis://:t0p-secret@" + redis.host() + ":" + redis.port() + "/1");
	}

	@Test
	void reportsOpenPoolsWithTotalTypeEndpointIdleTimeAndNoPassword() throws Exception {
		this.template.opsForValue().set("endpoint", "1");
		HttpResponse<String> response = get("/actuator/redispools");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).doesNotContain("t0p-secret");
		assertThat(this.json.from(response.body())).extractingJsonPathNumberValue("$.total_pools").isEqualTo(1);
		assertThat(this.json.from(response.body())).extractingJsonPathStringValue("$.pools.master.type")
			.isEqualTo("sync");
		assertThat(this.json.from(response.body())).extractingJsonPathStringValue("$.pools.master.endpoint")
			.isEqualTo("redis://" + redis.host() + ":" + redis.port() + "/1");
		assertThat(this.json.from(response.body())).extractingJsonPathNumberValue("$.pools.master.idle_time")
			.isNotNull();
		assertThat(this.json.from(response.body())).extractingJsonPathNumberValue("$.pools.master.connections")
			.isEqualTo(1);
	}

	@Test
	void reportsOnePoolByNameAndNotFoundForAnUnknownName() throws Exception {
		this.template.opsForValue().set("endpoint", "1");
		HttpResponse<String> master = get("/actuator/redispools/master");
		assertThat(master.statusCode()).isEqualTo(200);
		assertThat(this.json.from(master.body())).extractingJsonPathStringValue("$.role").isEqualTo("master");
		assertThat(this.json.from(master.body())).extractingJsonPathNumberValue("$.max").isEqualTo(10);
		assertThat(get("/actuator/redispools/nope").statusCode()).isEqualTo(404);
	}

	@Test
	void cleanupActionClosesIdlePoolsAndReportsThem() throws Exception {
		this.template.opsForValue().set("endpoint", "1");
		HttpResponse<String> cleanup = send("POST", "/actuator/redispools");
		assertThat(cleanup.statusCode()).isEqualTo(200);
		// The idle timeout is the default 5 minutes: nothing is idle long enough yet.
		assertThat(this.json.from(cleanup.body())).extractingJsonPathArrayValue("$.closed").isEmpty();
		assertThat(this.registry.getOpenPool("master")).isNotNull();
	}

	@Test
	void closeActionIsRefusedWhileInUseThenClosesAndTheNextUseReopens() throws Exception {
		this.template.opsForValue().set("endpoint", "1");
		BlockingPool master = BlockingPools.open(this.registry, "master");
		StatefulRedisConnection<?, ?> held = master.borrow();
		try {
			HttpResponse<String> refused = send("DELETE", "/actuator/redispools/master");
			assertThat(refused.statusCode()).isEqualTo(409);
			assertThat(this.json.from(refused.body())).extractingJsonPathStringValue("$.message")
				.contains("'master' is in use");
		}
		finally {
			master.giveBack(held);
		}
		assertThat(send("DELETE", "/actuator/redispools/master").statusCode()).isEqualTo(204);
		assertThat(get("/actuator/redispools/master").statusCode()).isEqualTo(404);
		assertThat(send("DELETE", "/actuator/redispools/master").statusCode()).isEqualTo(404);
		assertThat(this.template.opsForValue().get("endpoint")).isEqualTo("1");
		assertThat(get("/actuator/redispools/master").statusCode()).isEqualTo(200);
	}

	@Test
	void evictActionClosesIdleConnections() throws Exception {
		this.template.opsForValue().set("endpoint", "1");
		BlockingPool master = BlockingPools.open(this.registry, "master");
		master.giveBack(master.borrow());
		assertThat(master.getStats().idle()).isEqualTo(1);
		HttpResponse<String> evicted = send("POST", "/actuator/redispools/master/evict");
		assertThat(evicted.statusCode()).isEqualTo(200);
		assertThat(this.json.from(evicted.body())).extractingJsonPathNumberValue("$.evicted").isEqualTo(1);
		assertThat(this.json.from(evicted.body())).extractingJsonPathNumberValue("$.pool.idle").isEqualTo(0);
		assertThat(get("/actuator/redispools/master").body()).contains("\"idle\":0");
		assertThat(send("POST", "/actuator/redispools/master/explode").statusCode()).isEqualTo(400);
	}

	@Test
	void healthShowsEveryRole() throws Exception {
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(this.json.from(health.body())).extractingJsonPathStringValue("$.components.redis.components.master.status")
			.isEqualTo("UP");
		assertThat(this.json.from(health.body())).extractingJsonPathStringValue("$.components.redis.components.async.status")
			.isEqualTo("UP");
		assertThat(health.body()).doesNotContain("t0p-secret");
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send("GET", path);
	}

	private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootApplication
	static class EndpointApplication {

	}

}
