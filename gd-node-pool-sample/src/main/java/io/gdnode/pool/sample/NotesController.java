package io.gdnode.pool.sample;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.gdnode.pool.client.AsyncRedisPool;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Notes and a visit counter, each on the role that fits it: notes are written through the master
 * and read through the slave (a replica, so a note may show up there a moment after it was
 * written), through the async pool, or listed reactively; visits are counted on this node's
 * local Redis.
 */
@RestController
public class NotesController {

	private static final String NOTE_KEY_PREFIX = "note:";

	private static final String VISITS_KEY = "visits";

	private final StringRedisTemplate master;

	private final StringRedisTemplate slave;

	private final StringRedisTemplate local;

	private final AsyncRedisPool asyncRedisPool;

	private final ReactiveStringRedisTemplate reactive;

	/**
	 * Create the controller.
	 * @param master the template for writes
	 * @param slave the template for reads
	 * @param local the template for this node's Redis
	 * @param asyncRedisPool the pool for non-blocking reads
	 * @param reactive Spring Boot's reactive template, on the primary (master) connection factory
	 */
	public NotesController(@Qualifier("masterStringRedisTemplate") StringRedisTemplate master,
			@Qualifier("slaveStringRedisTemplate") StringRedisTemplate slave,
			@Qualifier("localStringRedisTemplate") StringRedisTemplate local, AsyncRedisPool asyncRedisPool,
			ReactiveStringRedisTemplate reactive) {
		this.master = master;
		this.slave = slave;
		this.local = local;
		this.asyncRedisPool = asyncRedisPool;
		this.reactive = reactive;
	}

	@PutMapping("/notes/{id}")
	ResponseEntity<Void> write(@PathVariable String id, @RequestBody String text) {
		this.master.opsForValue().set(noteKey(id), text);
		return ResponseEntity.noContent().build();
	}

	@GetMapping(path = "/notes/{id}", produces = MediaType.TEXT_PLAIN_VALUE)
	ResponseEntity<String> read(@PathVariable String id) {
		return found(this.slave.opsForValue().get(noteKey(id)));
	}

	@GetMapping(path = "/notes/{id}/async", produces = MediaType.TEXT_PLAIN_VALUE)
	CompletableFuture<ResponseEntity<String>> readAsync(@PathVariable String id) {
		// Spring MVC frees the request thread and answers when the future completes.
		return this.asyncRedisPool.executeOnAnyTopology((commands) -> commands.get(noteKey(id))).thenApply(NotesController::found);
	}

	@GetMapping("/notes")
	Mono<List<String>> list() {
		// SCAN rather than KEYS: it never blocks Redis for the whole keyspace.
		ScanOptions notes = ScanOptions.scanOptions().match(NOTE_KEY_PREFIX + "*").build();
		return this.reactive.scan(notes).map((key) -> key.substring(NOTE_KEY_PREFIX.length())).collectSortedList();
	}

	@PostMapping("/visits")
	Long visit() {
		return this.local.opsForValue().increment(VISITS_KEY);
	}

	private static String noteKey(String id) {
		return NOTE_KEY_PREFIX + id;
	}

	private static ResponseEntity<String> found(String text) {
		return (text != null) ? ResponseEntity.ok(text) : ResponseEntity.notFound().build();
	}

}
