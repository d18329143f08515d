package dev.gatehouse.auth.dpop;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gatehouse.auth.dpop.*} binds with the documented defaults, refuses what would
 * weaken it (naming the key), and the demo profile names the URLs the demo's clients use.
 */
class DpopPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Properties.class);

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(DpopProperties.class)
	static class Properties {

	}

	@Test
	void defaultsAreOnWithTheFourAsymmetricAlgorithmsAndNoNonces() {
		this.runner.run((context) -> {
			DpopProperties properties = context.getBean(DpopProperties.class);
			assertThat(properties.enabled()).isTrue();
			assertThat(properties.signingAlgorithms()).containsExactly("RS256", "PS256", "ES256", "EdDSA");
			assertThat(properties.maxAge()).isEqualTo(Duration.ofSeconds(60));
			assertThat(properties.clockSkew()).isEqualTo(Duration.ofSeconds(5));
			assertThat(properties.publicTokenUrl()).isEmpty();
			assertThat(properties.nonce().enabled()).isFalse();
			assertThat(properties.nonce().lifetime()).isEqualTo(Duration.ofMinutes(5));
		});
	}

	@Test
	void aSymmetricOrUnsecuredAlgorithmStopsStartUp() {
		for (String algorithm : List.of("HS256", "none")) {
			this.runner.withPropertyValues("gatehouse.auth.dpop.signing-algorithms=ES256," + algorithm)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.hasMessageContaining("signingAlgorithms"));
		}
	}

	@Test
	void aPublicTokenUrlWithAQueryOrWithoutAHostStopsStartUp() {
		for (String url : List.of("https://api.example/auth/token?x=1", "/auth/token", "ftp://api.example/token")) {
			this.runner.withPropertyValues("gatehouse.auth.dpop.public-token-url=" + url)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.hasMessageContaining("public-token-url"));
		}
	}

	@Test
	void aShortNonceSecretStopsStartUpAndASecretNeverAppearsInToString() {
		this.runner.withPropertyValues("gatehouse.auth.dpop.nonce.secret=short")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("nonce.secret"));
		String secret = "a nonce secret of more than 32 characters";
		this.runner.withPropertyValues("gatehouse.auth.dpop.nonce.secret=" + secret)
			.run((context) -> assertThat(context.getBean(DpopProperties.class).toString()).doesNotContain(secret));
	}

	@Test
	void theDemoProfileAcceptsProofsForTheGatewayAndTheDirectTokenUrl() throws IOException {
		List<PropertySource<?>> demo = new YamlPropertySourceLoader().load("demo",
				new ClassPathResource("application-demo.yml"));
		this.runner.withInitializer((context) -> demo.forEach(context.getEnvironment().getPropertySources()::addLast))
			.run((context) -> assertThat(context.getBean(DpopProperties.class).publicTokenUrl()).containsExactly(
					URI.create("http://localhost:8080/auth/token"), URI.create("http://localhost:9000/token")));
	}

}
