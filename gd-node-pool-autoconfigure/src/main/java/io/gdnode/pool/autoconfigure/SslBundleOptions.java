package io.gdnode.pool.autoconfigure;

import io.lettuce.core.SslOptions;

import org.springframework.boot.ssl.SslBundle;

/**
 * Lettuce's TLS options from a Spring Boot SSL bundle, for the {@code redis.*.ssl.bundle} settings
 * and for the bundle of the application's Spring Boot Redis connection alike.
 */
final class SslBundleOptions {

	private SslBundleOptions() {
	}

	/**
	 * Return Lettuce's options for the trust and key material, ciphers and protocols of a bundle.
	 */
	static SslOptions of(SslBundle bundle) {
		SslOptions.Builder builder = SslOptions.builder()
			.keyManager(bundle.getManagers().getKeyManagerFactory())
			.trustManager(bundle.getManagers().getTrustManagerFactory());
		if (bundle.getOptions().getCiphers() != null) {
			builder.cipherSuites(bundle.getOptions().getCiphers());
		}
		if (bundle.getOptions().getEnabledProtocols() != null) {
			builder.protocols(bundle.getOptions().getEnabledProtocols());
		}
		return builder.build();
	}

}
