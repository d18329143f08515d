package dev.gatehouse.gateway.protocol;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

import dev.gatehouse.gateway.config.InvalidGatewayConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolConfigurationTests {

	@Test
	void aRedirectListenerWithoutTlsStopsStartUpNamingTheKey() {
		assertThatThrownBy(() -> ProtocolConfiguration.validate(new ProtocolProperties(8080, DataSize.ofMegabytes(10)),
				new MockEnvironment()))
			.isInstanceOf(InvalidGatewayConfigurationException.class)
			.hasMessageContaining("gatehouse.gateway.http-redirect-port: redirects to HTTPS");
		assertThatNoException()
			.isThrownBy(() -> ProtocolConfiguration.validate(new ProtocolProperties(8080, DataSize.ofMegabytes(10)),
					new MockEnvironment().withProperty("server.ssl.bundle", "gateway")));
	}

	@Test
	void springCloudGatewaysOwnRoutingFilterSwitchedOnStopsStartUpNamingTheKey() {
		String key = "spring.cloud.gateway.server.webflux.global-filter.netty-routing.enabled";
		assertThatThrownBy(() -> ProtocolConfiguration.validateRouting(new MockEnvironment().withProperty(key, "true")))
			.isInstanceOf(InvalidGatewayConfigurationException.class)
			.hasMessageContaining(key + ": must stay false");
		// unset is Spring Cloud Gateway's default: on
		assertThatThrownBy(() -> ProtocolConfiguration.validateRouting(new MockEnvironment()))
			.isInstanceOf(InvalidGatewayConfigurationException.class);
		assertThatNoException()
			.isThrownBy(() -> ProtocolConfiguration.validateRouting(new MockEnvironment().withProperty(key, "false")));
	}

	@Test
	void aNonPositiveMaxRequestSizeOrABadPortIsAConstraintViolationNamingTheKey() {
		try (jakarta.validation.ValidatorFactory factory = jakarta.validation.Validation
			.buildDefaultValidatorFactory()) {
			jakarta.validation.Validator validator = factory.getValidator();
			assertThat(validator.validate(new ProtocolProperties(null, DataSize.ofBytes(0)))).singleElement()
				.satisfies((violation) -> assertThat(violation.getMessage())
					.startsWith("max-request-size: must be a positive data size"));
			assertThat(validator.validate(new ProtocolProperties(70000, DataSize.ofMegabytes(1)))).singleElement()
				.satisfies((violation) -> assertThat(violation.getPropertyPath()).hasToString("httpRedirectPort"));
			assertThat(validator.validate(new ProtocolProperties(8443, DataSize.ofMegabytes(1)))).isEmpty();
		}
	}

}
