package io.gdnode.pool;

import java.util.Locale;

/**
 * The role a pool plays for the application: where its connections go and what they are for.
 *
 * @see PoolType
 */
public enum PoolRole {

	/** Writes: the Redis master. */
	MASTER,

	/** Reads: a replica, or the master when no replica is configured. */
	SLAVE,

	/** A Redis on this node, usually on the loopback interface. */
	LOCAL;

	/**
	 * Return the role's lower-case id, as used in property names and pool names.
	 * @return the id, for example {@code master}
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}
