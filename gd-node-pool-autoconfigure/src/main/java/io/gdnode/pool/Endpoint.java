package io.gdnode.pool;

import io.lettuce.core.RedisURI;

/**
 * Where a pool connects, as logs, errors and statistics show it: never with a password.
 *
 * @param address {@code host:port/database} of the server the pool's URI names
 * @param url the whole location as a URL with the user, for example
 * {@code redis://reader@10.0.0.5:6379/0}, {@code redis-sentinel://s1:26379,s2:26379/0#mymaster}
 * or {@code rediss://n1:7000,n2:7001} for a cluster
 */
public record Endpoint(String address, String url) {

	/**
	 * Return where a pool of the given definition connects.
	 * @param definition the definition
	 * @return the endpoint
	 */
	public static Endpoint of(PoolDefinition definition) {
		return of(definition.uri(), definition.credentials().getUsername(), definition.topology());
	}

	/**
	 * Return where a URI and topology point, before a pool is defined, for example to compare
	 * two configured endpoints.
	 * @param uri the URI, whose password is never shown
	 * @param username the user to show, or {@code null} to show none
	 * @param topology the servers beyond the URI's
	 * @return the endpoint
	 */
	public static Endpoint of(RedisURI uri, String username, PoolTopology topology) {
		String address = uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
		String user = (username != null) ? username + "@" : "";
		String url = switch (topology.kind()) {
			case SENTINEL -> (uri.isSsl() ? "rediss-sentinel://" : "redis-sentinel://") + user
					+ String.join(",", topology.nodes()) + "/" + uri.getDatabase() + "#" + topology.master();
			case CLUSTER -> (uri.isSsl() ? "rediss://" : "redis://") + user + String.join(",", topology.nodes());
			default -> (uri.isSsl() ? "rediss://" : "redis://") + user + address;
		};
		return new Endpoint(address, url);
	}

	@Override
	public String toString() {
		return this.url;
	}

}
