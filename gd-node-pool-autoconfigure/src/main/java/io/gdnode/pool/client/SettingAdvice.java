package io.gdnode.pool.client;

import java.util.ArrayList;
import java.util.List;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolLimit;

/**
 * What an operator changes after a pool failure, for example
 * {@code ; raise REDIS_TIMEOUT_COMMAND (redis.timeout.command)}: limits that are amounts are
 * raised, the others checked.
 */
final class SettingAdvice {

	private SettingAdvice() {
	}

	/**
	 * Return the advice for the given limits of a pool, empty when no setting is named.
	 * @param names how the configuration names each limit
	 * @param definition the pool's definition
	 * @param limits the limits that bounded or decided the failure
	 * @return the words to append to the failure's message
	 */
	static String advice(PoolSettingNames names, PoolDefinition definition, List<PoolLimit> limits) {
		List<String> raise = new ArrayList<>();
		List<String> check = new ArrayList<>();
		for (PoolLimit limit : limits) {
			String name = names.name(definition, limit);
			if (name != null) {
				(isAmount(limit) ? raise : check).add(name);
			}
		}
		StringBuilder advice = new StringBuilder();
		if (!raise.isEmpty()) {
			advice.append("; raise ").append(String.join(" or ", raise));
		}
		if (!check.isEmpty()) {
			advice.append("; check ").append(String.join(" and ", check));
		}
		return advice.toString();
	}

	private static boolean isAmount(PoolLimit limit) {
		return switch (limit) {
			case COMMAND_TIMEOUT, WAIT_TIMEOUT, CONNECT_TIMEOUT, POOL_SIZE -> true;
			case ENDPOINT, TLS_TRUST, REPLICA_FALLBACK -> false;
		};
	}

}
