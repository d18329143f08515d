package dev.gatehouse.gateway.tracing;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class TracingSwitchTests {

	private static final String[] CANDIDATES = {
			"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
			"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration",
			"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration", null };

	@Test
	void leavesSpringBootsTracingAutoConfigurationsOutUnlessExportIsEnabled() {
		assertThat(match(new MockEnvironment())).containsExactly(false, false, true, true);
		assertThat(match(new MockEnvironment().withProperty(TracingSwitch.PROPERTY, "false"))).containsExactly(false,
				false, true, true);
	}

	@Test
	void keepsEveryAutoConfigurationWhenExportIsEnabled() {
		assertThat(match(new MockEnvironment().withProperty(TracingSwitch.PROPERTY, "true"))).containsExactly(true,
				true, true, true);
	}

	private static boolean[] match(MockEnvironment environment) {
		TracingSwitch tracingSwitch = new TracingSwitch();
		tracingSwitch.setEnvironment(environment);
		return tracingSwitch.match(CANDIDATES, null);
	}

}
