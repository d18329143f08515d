package dev.gatehouse.auth;

import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;

import org.springframework.beans.factory.annotation.Value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The actuator lives on the management port; the service port (exposed by the gateway as
 * /auth/**) never serves it.
 */
class ManagementPortTests extends MockMvcTestSupport {

	@Value("${management.server.port}")
	int managementPort;

	@Test
	void theActuatorHasAPortOfItsOwnByDefault() {
		assertThat(this.managementPort).isEqualTo(9001);
	}

	@Test
	void theServicePortDoesNotServeTheActuator() throws Exception {
		this.mvc.perform(get("/actuator/health")).andExpect(status().isNotFound());
		this.mvc.perform(get("/actuator/prometheus")).andExpect(status().isNotFound());
	}

}
