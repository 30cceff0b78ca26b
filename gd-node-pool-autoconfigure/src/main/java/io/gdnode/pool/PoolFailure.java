package io.gdnode.pool;

import java.util.List;

/**
 * A failure of one pool, as facts a caller can act on: which pool, where it connects, and which
 * of its settings bounded what failed. Exceptions of the registry and of connection opening
 * implement it, so that the layers above recognise them by type, never by their wording.
 */
public interface PoolFailure {

	/**
	 * Return the name of the pool that failed.
	 * @return the pool name, for example {@code master}
	 */
	String getPool();

	/**
	 * Return where the pool connects.
	 * @return the endpoint, without a password
	 */
	Endpoint getEndpoint();

	/**
	 * Return the settings that bounded or decided the failure, most telling first.
	 * @return the limits, empty when no setting is to blame
	 */
	List<PoolLimit> getLimits();

}
