package dev.gatehouse.gateway.ratelimit;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressResolverTests {

	private final ClientAddressResolver resolver = new ClientAddressResolver("10\\.0\\.0\\.\\d+");

	@Test
	void spoofedForwardedForFromAnUntrustedPeerNeverChangesTheKey() {
		MockServerHttpRequest request = MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress("198.51.100.7", 40000))
			.header("X-Forwarded-For", "1.2.3.4")
			.build();
		assertThat(this.resolver.resolve(request)).isEqualTo("198.51.100.7");
	}

	@Test
	void behindATrustedProxyTheNearestUntrustedHopIsTheClient() {
		MockServerHttpRequest request = MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress("10.0.0.2", 40000))
			.header("X-Forwarded-For", "6.6.6.6, 203.0.113.5, 10.0.0.9")
			.build();
		assertThat(this.resolver.resolve(request)).isEqualTo("203.0.113.5");
	}

	@Test
	void withoutTrustedProxiesThePeerIsAlwaysTheClient() {
		MockServerHttpRequest request = MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress("10.0.0.2", 40000))
			.header("X-Forwarded-For", "203.0.113.5")
			.build();
		assertThat(new ClientAddressResolver("").resolve(request)).isEqualTo("10.0.0.2");
	}

}
