package dev.gatehouse.gateway.protocol;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

import dev.gatehouse.gateway.config.InvalidGatewayConfigurationException;

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
	void aNonPositiveMaxRequestSizeOrABadPortStopsStartUp() {
		assertThatThrownBy(() -> ProtocolConfiguration.validate(new ProtocolProperties(null, DataSize.ofBytes(0)),
				new MockEnvironment()))
			.hasMessageContaining("gatehouse.gateway.max-request-size");
		assertThatThrownBy(() -> ProtocolConfiguration.validate(new ProtocolProperties(70000, DataSize.ofMegabytes(1)),
				new MockEnvironment().withProperty("server.ssl.bundle", "gateway")))
			.hasMessageContaining("gatehouse.gateway.http-redirect-port: must be a port number");
	}

}
