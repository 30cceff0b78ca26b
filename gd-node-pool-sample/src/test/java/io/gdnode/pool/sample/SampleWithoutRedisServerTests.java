package io.gdnode.pool.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.UUID;

import io.gdnode.pool.localredis.LocalRedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample started the way {@code spring-boot:run} starts it, on a machine with no
 * {@code redis-server} on {@code PATH} and no Redis on the probe port: it serves the README's
 * requests from a master and replica run from the binary embedded-redis ships.
 */
class SampleWithoutRedisServerTests {

	private static final String CLIENT_NAME = "sample-embedded-" + UUID.randomUUID().toString().substring(0, 8);

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void notesAreWrittenThroughTheEmbeddedMasterAndReadThroughItsReplica(@TempDir Path noRedisServer)
			throws IOException, InterruptedException {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.addListeners(new LocalRedisStarter(() -> RedisServerBinary.find(noRedisServer.toString(),
				System.getProperty("os.name"), System.getProperty("os.arch"))));
		try (ConfigurableApplicationContext context = application.run("--server.port=0",
				"--" + LocalRedisStarter.PROBE_PORT_PROPERTY + "=" + LocalRedisServer.freeLoopbackPort(),
				"--redis.client.name=" + CLIENT_NAME)) {
			String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			LocalRedisServer master = context.getBean("localRedisMaster", LocalRedisServer.class);
			LocalRedisServer replica = context.getBean("localRedisReplica", LocalRedisServer.class);
			assertThat(replica.command("INFO", "server")).contains("redis_version:6.2.");

			HttpResponse<String> written = send(HttpRequest.newBuilder(URI.create(base + "/notes/1"))
				.header("Content-Type", "text/plain")
				.PUT(BodyPublishers.ofString("hello")));
			assertThat(written.statusCode()).isEqualTo(204);
			assertThat(master.command("GET", "note:1")).isEqualTo("hello");
			HttpResponse<String> read = readFromReplica(base + "/notes/1");
			assertThat(read.statusCode()).isEqualTo(200);
			assertThat(read.body()).isEqualTo("hello");
			assertThat(replica.clientsNamed(CLIENT_NAME + "-slave")).isPositive();
			HttpResponse<String> pools = send(HttpRequest.newBuilder(URI.create(base + "/actuator/redispools")));
			assertThat(pools.statusCode()).isEqualTo(200);
			assertThat(pools.body()).contains("\"master\"", "\"slave\"");
		}
	}

	/** Read through the slave, giving replication a few seconds to bring the note there. */
	private HttpResponse<String> readFromReplica(String url) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + 5_000_000_000L;
		HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(url)));
		while (read.statusCode() == 404 && System.nanoTime() < deadline) {
			Thread.sleep(50);
			read = send(HttpRequest.newBuilder(URI.create(url)));
		}
		return read;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.build(), BodyHandlers.ofString());
	}

}
