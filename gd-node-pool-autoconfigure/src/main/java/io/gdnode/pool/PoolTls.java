package io.gdnode.pool;

import io.lettuce.core.SslOptions;

import org.springframework.util.Assert;

/**
 * The TLS material of a pool: trust and key material from a Spring Boot SSL bundle. Pools are
 * told apart by the bundle's name.
 *
 * @param bundle the name of the SSL bundle
 * @param options the Lettuce options built from it
 */
public record PoolTls(String bundle, SslOptions options) {

	public PoolTls {
		Assert.hasText(bundle, "'bundle' must not be empty");
		Assert.notNull(options, "'options' must not be null");
	}

}
