package dev.gatehouse.auth.keys;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class SigningKeysConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Properties.class, SigningKeysConfiguration.class);

	@TempDir
	Path dir;

	@Test
	void withoutAKeyOutsideTheDemoProfileStartupFailsNamingTheSetting() {
		this.runner.run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("gatehouse.auth.signing.key-file"));
	}

	@Test
	void demoProfileGeneratesAKeyOnceAndKeepsIt() {
		ApplicationContextRunner demo = this.runner.withPropertyValues("spring.profiles.active=demo",
				"gatehouse.auth.data-dir=" + this.dir);
		String[] kids = new String[2];
		demo.run((context) -> kids[0] = context.getBean(SigningKeys.class).active().kid());
		demo.run((context) -> kids[1] = context.getBean(SigningKeys.class).active().kid());
		assertThat(kids[0]).isNotNull().isEqualTo(kids[1]);
		assertThat(Files.exists(this.dir.resolve("signing-key.pem"))).isTrue();
	}

	@Test
	void verificationKeysArePublishedButNeverSign() {
		this.runner.withPropertyValues("gatehouse.auth.signing.key-file=src/test/resources/keys/test-rsa.pem",
				"gatehouse.auth.signing.verification-key-files=src/test/resources/keys/test-rsa-old.pem,src/test/resources/keys/test-ec.pem")
			.run((context) -> {
				SigningKeys keys = context.getBean(SigningKeys.class);
				assertThat(keys.all()).hasSize(3);
				assertThat(keys.all()).filteredOn(SigningKey::canSign).containsExactly(keys.active());
				assertThat(keys.all()).extracting((key) -> key.algorithm().getId())
					.containsExactly("RS256", "RS256", "ES256");
				assertThat(keys.find("../../etc/passwd")).isNull();
			});
	}

	@Test
	void anRsaKeyUnder2048BitsIsRefused() {
		this.runner.withPropertyValues("gatehouse.auth.signing.key-file=src/test/resources/keys/test-rsa-weak.pem")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("gatehouse.auth.signing.key-file"));
	}

	@Test
	void aKeyThatDoesNotFitTheAlgorithmIsRefused() {
		this.runner
			.withPropertyValues("gatehouse.auth.signing.key-file=src/test/resources/keys/test-rsa.pem",
					"gatehouse.auth.signing.algorithm=ES256")
			.run((context) -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("ES256"));
	}

	@Test
	void anEcKeySignsEs256() {
		this.runner
			.withPropertyValues("gatehouse.auth.signing.key-file=src/test/resources/keys/test-ec.pem",
					"gatehouse.auth.signing.algorithm=ES256")
			.run((context) -> assertThat(context.getBean(SigningKeys.class).active().algorithm().getId())
				.isEqualTo("ES256"));
	}

	@Test
	void aMissingOrGarbageKeyFileIsNamed() throws Exception {
		Path garbage = Files.writeString(this.dir.resolve("garbage.pem"), "not a key");
		this.runner.withPropertyValues("gatehouse.auth.signing.key-file=" + garbage)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("garbage.pem"));
		this.runner.withPropertyValues("gatehouse.auth.signing.key-file=" + this.dir.resolve("missing.pem"))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("missing.pem"));
	}

	@Test
	void anUnknownAlgorithmOrMalformedDurationStopsStartupNamingTheKey() {
		this.runner
			.withPropertyValues("gatehouse.auth.signing.key-file=src/test/resources/keys/test-rsa.pem",
					"gatehouse.auth.signing.algorithm=none")
			.run((context) -> assertThat(context).hasFailed().getFailure().hasMessageContaining("gatehouse.auth"));
		this.runner
			.withPropertyValues("gatehouse.auth.signing.key-file=src/test/resources/keys/test-rsa.pem",
					"gatehouse.auth.access-token-ttl=fifteen minutes")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Failed to bind properties under 'gatehouse.auth.access-token-ttl'"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(AuthProperties.class)
	static class Properties {

	}

}
