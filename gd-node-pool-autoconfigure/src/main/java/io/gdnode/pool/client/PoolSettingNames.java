package io.gdnode.pool.client;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolLimit;

/**
 * Names the setting behind a {@link PoolLimit} of a pool, so that an error can say what to
 * change. Supplied by the configuration layer, the one place that knows property names.
 */
@FunctionalInterface
public interface PoolSettingNames {

	/** Names nothing: errors then say what happened and which pool, but no setting. */
	PoolSettingNames NONE = (definition, limit) -> null;

	/**
	 * Return how an operator sets the limit for the given pool.
	 * @param definition the pool's definition
	 * @param limit the limit
	 * @return for example {@code REDIS_TIMEOUT_COMMAND (redis.timeout.command)}, or {@code null}
	 * when no setting is known
	 */
	String name(PoolDefinition definition, PoolLimit limit);

}
