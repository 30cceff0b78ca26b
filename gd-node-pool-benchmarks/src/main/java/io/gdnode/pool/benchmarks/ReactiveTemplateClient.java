package io.gdnode.pool.benchmarks;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.core.publisher.Mono;

/**
 * The reactive workload through a Spring Data Redis {@link ReactiveStringRedisTemplate} on a
 * connection factory, as a reactive application sends it.
 */
final class ReactiveTemplateClient implements ThroughputClient {

	private final ReactiveStringRedisTemplate template;

	private final AutoCloseable application;

	/**
	 * @param application what to close with the client: the application the factory belongs to
	 */
	ReactiveTemplateClient(ReactiveRedisConnectionFactory factory, AutoCloseable application) {
		this.template = new ReactiveStringRedisTemplate(factory);
		this.application = application;
	}

	@Override
	public Mono<?> reactiveSetOrGet(String key, String valueOrNull) {
		return (valueOrNull != null) ? this.template.opsForValue().set(key, valueOrNull)
				: this.template.opsForValue().get(key);
	}

	@Override
	public void close() throws Exception {
		this.application.close();
	}

}
