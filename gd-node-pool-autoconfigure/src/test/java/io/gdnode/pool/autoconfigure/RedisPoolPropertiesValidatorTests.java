package io.gdnode.pool.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link RedisPoolPropertiesValidator}, without Spring or a server.
 */
class RedisPoolPropertiesValidatorTests {

	private final RedisPoolProperties properties = new RedisPoolProperties();

	@Test
	void defaultsAreValid() {
		assertThatNoException().isThrownBy(this::validate);
	}

	@Test
	void missingFallbackNamesTheSettingAndItsValues() {
		this.properties.getSlave().setFallback(null);
		assertThatExceptionOfType(InvalidRedisPropertyException.class).isThrownBy(this::validate)
			.withMessage("REDIS_SLAVE_FALLBACK (redis.slave.fallback) is 'null': allowed is master (reads go to the "
					+ "master when no replica is reachable) or none (reads fail)");
	}

	@Test
	void asyncMinimumAboveMaximumNamesTheMaximum() {
		this.properties.getAsync().getPool().setMin(8);
		this.properties.getAsync().getPool().setMax(4);
		assertThatExceptionOfType(InvalidRedisPropertyException.class).isThrownBy(this::validate)
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("redis.async.pool.min"))
			.satisfies((ex) -> assertThat(ex.getAllowed()).isEqualTo("a whole number from 0 to redis.async.pool.max (4)"));
	}

	@Test
	void sentinelNodesWithoutAMasterNameAreRefusedOnTheMasterName() {
		this.properties.getSentinel().setNodes(List.of("10.0.0.1:26379"));
		assertThatExceptionOfType(InvalidRedisPropertyException.class).isThrownBy(this::validate)
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("redis.sentinel.master"));
	}

	@Test
	void clusterWithADatabaseOtherThanZeroIsRefused() {
		this.properties.getCluster().setNodes(List.of("10.0.0.1:7000"));
		this.properties.setUrl("redis://10.0.0.1:7000/3");
		assertThatExceptionOfType(InvalidRedisPropertyException.class).isThrownBy(this::validate)
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("redis.master.url"))
			.satisfies((ex) -> assertThat(ex.getAllowed()).contains("a Redis Cluster has database 0 only"));
	}

	@Test
	void sslBundleWithoutAnyBundlesConfiguredNamesTheSettingThatSetIt() {
		this.properties.getSsl().setBundle("edge");
		assertThatExceptionOfType(InvalidRedisPropertyException.class).isThrownBy(this::validate)
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("redis.ssl.bundle"))
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo("edge"));
	}

	@Test
	void commonSslBundleDoesNotApplyToTheLocalRole() {
		this.properties.getSsl().setBundle("edge");
		assertThat(RedisPoolPropertiesValidator.sslBundleProperty(this.properties, ConfiguredRole.LOCAL))
			.isNull();
		assertThat(RedisPoolPropertiesValidator.sslBundleProperty(this.properties, ConfiguredRole.ASYNC))
			.isEqualTo("redis.ssl.bundle");
	}

	@Test
	void zeroLeakThresholdIsAllowedButANegativeOneIsNot() {
		this.properties.getLeak().setThreshold(Duration.ZERO);
		assertThatNoException().isThrownBy(this::validate);
		this.properties.getLeak().setThreshold(Duration.ofSeconds(-1));
		assertThatExceptionOfType(InvalidRedisPropertyException.class).isThrownBy(this::validate)
			.satisfies((ex) -> assertThat(ex.getAllowed())
				.isEqualTo("a duration such as 30s, or 0 to turn leak detection off"));
	}

	@Test
	void listWhereOneUrlIsExpectedIsRefused() {
		this.properties.getAsync().setUrl("redis://a:6379,redis://b:6379");
		assertThatExceptionOfType(InvalidRedisPropertyException.class).isThrownBy(this::validate)
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("redis.async.url"))
			.satisfies((ex) -> assertThat(ex.getAllowed()).startsWith("a single Redis URL"));
	}

	private void validate() {
		new RedisPoolPropertiesValidator(this.properties, null).validate();
	}

}
