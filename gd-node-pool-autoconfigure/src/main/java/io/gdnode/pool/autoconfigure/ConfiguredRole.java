package io.gdnode.pool.autoconfigure;

import java.util.Locale;

import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolRole;
import io.gdnode.pool.PoolType;

/**
 * The four clients the starter configures, as the {@code redis.*} settings and the health
 * contributors name them. The async client is a pool of the master role, of the async type.
 */
public enum ConfiguredRole {

	/** Writes: {@code redis.master.*}. */
	MASTER(PoolRole.MASTER, PoolType.SYNC),

	/** Reads: {@code redis.slave.*}. */
	SLAVE(PoolRole.SLAVE, PoolType.SYNC),

	/** The node's own Redis: {@code redis.local.*}. */
	LOCAL(PoolRole.LOCAL, PoolType.SYNC),

	/** Non-blocking clients of the master: {@code redis.async.*}. */
	ASYNC(PoolRole.MASTER, PoolType.ASYNC);

	private final PoolRole poolRole;

	private final PoolType poolType;

	ConfiguredRole(PoolRole poolRole, PoolType poolType) {
		this.poolRole = poolRole;
		this.poolType = poolType;
	}

	/**
	 * Return the role of the pool this client uses.
	 * @return the pool role
	 */
	public PoolRole poolRole() {
		return this.poolRole;
	}

	/**
	 * Return the type of the pool this client uses ({@code sync} for the role factories, which
	 * serve blocking and reactive connections from it).
	 * @return the pool type
	 */
	public PoolType poolType() {
		return this.poolType;
	}

	/**
	 * Return the lower-case id, as used in property names and health contributor names.
	 * @return for example {@code async}
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Return the configured client a pool definition belongs to.
	 * @param definition the definition
	 * @return the configured role
	 */
	public static ConfiguredRole of(PoolDefinition definition) {
		if (definition.type() == PoolType.ASYNC) {
			return ASYNC;
		}
		return switch (definition.role()) {
			case MASTER -> MASTER;
			case SLAVE -> SLAVE;
			case LOCAL -> LOCAL;
		};
	}

}
