package io.gdnode.pool.registry;

import java.util.Arrays;
import java.util.Objects;

import io.gdnode.pool.Endpoint;
import io.gdnode.pool.PoolDefinition;
import io.gdnode.pool.PoolRole;
import io.gdnode.pool.PoolTopology;
import io.gdnode.pool.PoolType;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;

/**
 * The identity of a shared pool: clients whose keys are equal share one pool. Role, type,
 * endpoint, topology, database, user, password, TLS (and its SSL bundle) and event loops all take
 * part; pool sizes do not (the first client's sizes win). Passwords are compared but never printed.
 */
final class PoolKey {

	private final PoolRole role;

	private final PoolType type;

	private final Endpoint endpoint;

	private final int database;

	private final String username;

	private final char[] password;

	private final boolean ssl;

	private final boolean verifyPeer;

	private final PoolTopology topology;

	private final String tlsBundle;

	private final ClientResources resources;

	private final Object owner;

	private PoolKey(PoolDefinition definition, ClientResources resources, Object owner) {
		RedisURI uri = definition.uri();
		this.role = definition.role();
		this.type = definition.type();
		this.endpoint = definition.endpoint();
		this.database = uri.getDatabase();
		RedisCredentials credentials = definition.credentials();
		this.username = credentials.getUsername();
		this.password = credentials.getPassword();
		this.ssl = uri.isSsl();
		this.verifyPeer = uri.isVerifyPeer();
		this.topology = definition.topology();
		this.tlsBundle = (definition.tls() != null) ? definition.tls().bundle() : null;
		this.resources = resources;
		this.owner = owner;
	}

	/**
	 * Key of a pool shared by every client with the same definition and event loops.
	 */
	static PoolKey shared(PoolDefinition definition, ClientResources resources) {
		return new PoolKey(definition, resources, null);
	}

	/**
	 * Key of a pool that belongs to one client alone.
	 */
	static PoolKey exclusive(PoolDefinition definition, ClientResources resources) {
		return new PoolKey(definition, resources, new Object());
	}

	/**
	 * Return where the pool connects, computed once for the key.
	 */
	Endpoint endpoint() {
		return this.endpoint;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof PoolKey that)) {
			return false;
		}
		return this.role == that.role && this.type == that.type && this.endpoint.equals(that.endpoint)
				&& this.database == that.database && Objects.equals(this.username, that.username)
				&& Arrays.equals(this.password, that.password) && this.ssl == that.ssl
				&& this.verifyPeer == that.verifyPeer && this.topology.equals(that.topology)
				&& Objects.equals(this.tlsBundle, that.tlsBundle) && this.resources == that.resources && this.owner == that.owner;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.role, this.type, this.endpoint, this.username, this.ssl, this.topology,
				System.identityHashCode(this.resources), System.identityHashCode(this.owner));
	}

	@Override
	public String toString() {
		return this.role.id() + "/" + this.type.id() + " " + this.endpoint.url();
	}

}
