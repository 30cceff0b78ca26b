package io.gdnode.pool.benchmarks;

import java.time.Duration;
import java.util.List;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The workloads through a Spring Data Redis {@link StringRedisTemplate}, as application code sends them.
 */
final class TemplateClient implements ThroughputClient {

	private static final Duration BLOCKING_POP_TIMEOUT = Duration.ofSeconds(1);

	private final StringRedisTemplate template;

	private final AutoCloseable application;

	/**
	 * @param application what to close with the client: the application the template belongs to
	 */
	TemplateClient(StringRedisTemplate template, AutoCloseable application) {
		this.template = template;
		this.application = application;
	}

	@Override
	public void set(String key, String value) {
		this.template.opsForValue().set(key, value);
	}

	@Override
	public String get(String key) {
		return this.template.opsForValue().get(key);
	}

	@Override
	public void transaction(String key, String value) {
		transaction(this.template, key, value);
	}

	static void transaction(StringRedisTemplate template, String key, String value) {
		template.execute(new SessionCallback<List<Object>>() {

			@Override
			public <K, V> List<Object> execute(RedisOperations<K, V> operations) throws DataAccessException {
				// Within the callback the template's calls run on the connection bound to it.
				template.multi();
				template.opsForValue().increment(key);
				template.opsForValue().set(key + ":value", value);
				return template.exec();
			}

		});
	}

	@Override
	public String pushAndBlockingPop(String key, String value) {
		this.template.opsForList().leftPush(key, value);
		return this.template.opsForList().leftPop(key, BLOCKING_POP_TIMEOUT);
	}

	@Override
	public void close() throws Exception {
		this.application.close();
	}

}
