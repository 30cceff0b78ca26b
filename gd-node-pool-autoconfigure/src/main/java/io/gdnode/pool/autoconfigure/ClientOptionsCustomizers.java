package io.gdnode.pool.autoconfigure;

import java.util.function.UnaryOperator;

import io.lettuce.core.ClientOptions;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration.LettuceClientConfigurationBuilder;

/**
 * The application's {@link LettuceClientOptionsBuilderCustomizer} and
 * {@link LettuceClientConfigurationBuilderCustomizer} beans, applied in order to the client
 * options of a pool after the starter's own settings, as Spring Boot applies them to its
 * connection factory. Of a client configuration, the client options are what a pool takes;
 * its endpoint, timeouts, client name and TLS come from {@code redis.*}.
 */
final class ClientOptionsCustomizers implements UnaryOperator<ClientOptions> {

	private final ObjectProvider<LettuceClientOptionsBuilderCustomizer> optionsCustomizers;

	private final ObjectProvider<LettuceClientConfigurationBuilderCustomizer> configurationCustomizers;

	ClientOptionsCustomizers(ObjectProvider<LettuceClientOptionsBuilderCustomizer> optionsCustomizers,
			ObjectProvider<LettuceClientConfigurationBuilderCustomizer> configurationCustomizers) {
		this.optionsCustomizers = optionsCustomizers;
		this.configurationCustomizers = configurationCustomizers;
	}

	@Override
	public ClientOptions apply(ClientOptions starterOptions) {
		ClientOptions.Builder options = starterOptions.mutate();
		this.optionsCustomizers.orderedStream().forEach((customizer) -> customizer.customize(options));
		ClientOptions customized = options.build();
		LettuceClientConfigurationBuilder configuration = LettuceClientConfiguration.builder()
			.clientOptions(customized);
		this.configurationCustomizers.orderedStream().forEach((customizer) -> customizer.customize(configuration));
		return configuration.build().getClientOptions().orElse(customized);
	}

}
