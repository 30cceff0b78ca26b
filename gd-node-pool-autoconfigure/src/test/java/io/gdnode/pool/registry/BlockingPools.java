package io.gdnode.pool.registry;

import io.gdnode.pool.client.RoleConnectionFactory;

/**
 * Reaches the lending protocol of a blocking pool in tests that hold dedicated connections
 * themselves, which applications do through Spring Data Redis instead.
 */
public final class BlockingPools {

	private BlockingPools() {
	}

	/**
	 * Return the open blocking pool of that name.
	 * @param registry the registry
	 * @param name the pool name, for example {@code master}
	 * @return the pool
	 */
	public static BlockingPool open(SharedPoolRegistry registry, String name) {
		if (registry.getOpenPool(name) instanceof BlockingPool blocking) {
			return blocking;
		}
		throw new IllegalStateException("No open blocking pool named '" + name + "'");
	}

	/**
	 * Return the blocking pool behind a role's connection factory, attaching once more to it.
	 * @param registry the registry
	 * @param factory the role's factory
	 * @return the pool
	 */
	public static BlockingPool of(SharedPoolRegistry registry, RoleConnectionFactory factory) {
		BlockingPool pool = registry.attach(factory.getPool().getDefinition());
		// The same pool the factory uses: attaching again only counted one more client.
		registry.detach(pool);
		return pool;
	}

}
