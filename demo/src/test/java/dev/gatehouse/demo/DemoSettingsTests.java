package dev.gatehouse.demo;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DemoSettingsTests {

	@Test
	void fromEnvironmentWhenNothingIsSetThenDataLivesUnderTheRepositoryRoot() {
		DemoSettings settings = DemoSettings.fromEnvironment(Map.of("DEMO_ROOT", "/repo"));

		assertThat(settings.repoRoot()).isEqualTo(Path.of("/repo"));
		assertThat(settings.dataDir()).isEqualTo(Path.of("/repo/data"));
		assertThat(settings.logDir()).isEqualTo(Path.of("/repo/data/logs"));
		assertThat(settings.authArgs()).isEmpty();
		assertThat(settings.gatewayArgs()).isEmpty();
		assertThat(settings.javaOptions()).isEmpty();
	}

	@Test
	void jarsAreTheBuiltVersionOfEachModule() {
		DemoSettings settings = DemoSettings.fromEnvironment(Map.of("DEMO_ROOT", "/repo"));

		assertThat(settings.version()).isNotBlank().doesNotStartWith("@");
		assertThat(settings.authJar())
			.isEqualTo(Path.of("/repo/auth-service/target/auth-service-" + settings.version() + ".jar"));
		assertThat(settings.gatewayJar())
			.isEqualTo(Path.of("/repo/gateway/target/gateway-" + settings.version() + ".jar"));
	}

	@Test
	void fromEnvironmentWhenArgsAreGivenThenTheyAreSplitOnWhitespace() {
		DemoSettings settings = DemoSettings.fromEnvironment(Map.of("DEMO_ROOT", "/repo", "DEMO_DATA_DIR", "/tmp/d",
				"DEMO_AUTH_ARGS", "  --gatehouse.auth.access-token-ttl=5s   --a=b ", "DEMO_GATEWAY_ARGS",
				"--gatehouse.gateway.clock-skew=0s", "DEMO_JAVA_OPTS", "-Xmx256m"));

		assertThat(settings.dataDir()).isEqualTo(Path.of("/tmp/d"));
		assertThat(settings.authArgs()).containsExactly("--gatehouse.auth.access-token-ttl=5s", "--a=b");
		assertThat(settings.gatewayArgs()).containsExactly("--gatehouse.gateway.clock-skew=0s");
		assertThat(settings.javaOptions()).containsExactly("-Xmx256m");
	}

}
