package dev.gatehouse.demo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the launcher passes its children: loopback only, the auth-service's actuator on
 * its own management port, the gateway trusted as a proxy by the auth-service, and a
 * health group only that child knows.
 */
class DemoLauncherTests {

	private final DemoLauncher launcher = new DemoLauncher(DemoSettings.fromEnvironment(Map.of("DEMO_ROOT", "/repo")));

	@Test
	void theAuthServiceListensOnLoopbackWithItsActuatorOnPort9001() {
		assertThat(this.launcher.authArgs()).contains("--spring.profiles.active=demo", "--server.address=127.0.0.1",
				"--server.port=9000", "--management.server.address=127.0.0.1", "--management.server.port=9001");
	}

	@Test
	void theAuthServiceTrustsForwardedForFromTheGatewaysLoopbackAddresses() {
		assertThat(this.launcher.authArgs()).contains("--gatehouse.auth.trusted-proxies=127.0.0.1/32,::1/128");
	}

	@Test
	void theGatewayAndItsManagementListenOnLoopback() {
		assertThat(this.launcher.gatewayArgs()).contains("--spring.profiles.active=demo", "--server.address=127.0.0.1",
				"--server.port=8080", "--management.server.address=127.0.0.1", "--management.server.port=8081",
				"--gatehouse.gateway.rate-limit.store=redis");
	}

	@Test
	void eachChildGetsAHealthGroupOfARandomName() {
		String auth = healthGroup(this.launcher.authArgs());
		String gateway = healthGroup(this.launcher.gatewayArgs());
		String another = healthGroup(
				new DemoLauncher(DemoSettings.fromEnvironment(Map.of("DEMO_ROOT", "/repo"))).gatewayArgs());

		assertThat(auth).matches("demo-launcher-[0-9a-f]{16}");
		assertThat(gateway).matches("demo-launcher-[0-9a-f]{16}").isNotEqualTo(auth).isNotEqualTo(another);
	}

	@Test
	void theUsersArgumentsReplaceOursOfTheSameKey() {
		DemoLauncher exposed = new DemoLauncher(DemoSettings.fromEnvironment(Map.of("DEMO_ROOT", "/repo",
				"DEMO_GATEWAY_ARGS", "--server.address=0.0.0.0 --gatehouse.gateway.clock-skew=0s")));

		assertThat(exposed.gatewayArgs())
			.contains("--server.address=0.0.0.0", "--gatehouse.gateway.clock-skew=0s",
					"--management.server.address=127.0.0.1")
			.doesNotContain("--server.address=127.0.0.1")
			.endsWith("--server.address=0.0.0.0", "--gatehouse.gateway.clock-skew=0s");
	}

	@Test
	void withDefaultsKeepsOursWhenTheUserSetsOtherKeys() {
		assertThat(DemoLauncher.withDefaults(List.of("--a=1", "--b=2"), List.of("--b=3", "--c")))
			.containsExactly("--a=1", "--b=3", "--c");
	}

	private static String healthGroup(List<String> args) {
		return args.stream()
			.filter((arg) -> arg.startsWith("--management.endpoint.health.group."))
			.map((arg) -> arg.replaceAll("^--management\\.endpoint\\.health\\.group\\.([^.]+)\\.include=\\*$", "$1"))
			.findFirst()
			.orElseThrow();
	}

}
