package dev.gatehouse.gateway.forwarding;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressResolverTests {

	private final ClientAddressResolver resolver = ClientAddressResolver
		.of(List.of("10.0.0.0/24", "2001:db8:ffff::/48"));

	private static MockServerHttpRequest request(String peer, String... forwardedFor) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress(peer, 40000));
		if (forwardedFor.length > 0) {
			request.header("X-Forwarded-For", forwardedFor);
		}
		return request.build();
	}

	@Test
	void spoofedForwardedForFromAnUntrustedPeerNeverChangesTheKey() {
		assertThat(this.resolver.resolve(request("198.51.100.7", "1.2.3.4"))).isEqualTo("198.51.100.7");
	}

	@Test
	void behindATrustedProxyTheNearestUntrustedHopIsTheClient() {
		assertThat(this.resolver.resolve(request("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.9")))
			.isEqualTo("203.0.113.5");
	}

	@Test
	void withoutTrustedProxiesThePeerIsAlwaysTheClient() {
		ClientAddressResolver nobody = ClientAddressResolver.of(List.of());
		assertThat(nobody.resolve(request("10.0.0.2", "203.0.113.5"))).isEqualTo("10.0.0.2");
	}

	@Test
	void anIpv6ClientIsKeyedByItsSlash64SoRotatingAddressesInsideItSharesOneCounter() {
		String first = this.resolver.resolve(request("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
		String rotated = this.resolver.resolve(request("2001:db8:1:2::1"));
		assertThat(first).isEqualTo("2001:db8:1:2::/64").isEqualTo(rotated);
		assertThat(this.resolver.resolve(request("2001:db8:1:3::1"))).isEqualTo("2001:db8:1:3::/64");
	}

	@Test
	void anIpv6ClientBehindATrustedProxyIsKeyedByItsSlash64Too() {
		assertThat(this.resolver.resolve(request("10.0.0.2", "2001:db8:1:2:0:0:0:77"))).isEqualTo("2001:db8:1:2::/64");
		assertThat(this.resolver.resolve(request("2001:db8:ffff::1", "[2001:db8:1:2::99]")))
			.isEqualTo("2001:db8:1:2::/64");
	}

	@Test
	void ipv4IsUnchangedAlsoWhenWrittenAsIpv4MappedIpv6() {
		assertThat(this.resolver.resolve(request("203.0.113.5"))).isEqualTo("203.0.113.5");
		assertThat(this.resolver.resolve(request("10.0.0.2", "::ffff:203.0.113.5"))).isEqualTo("203.0.113.5");
		assertThat(ClientAddressResolver
			.key(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 203, 0, 113, 5 }))
			.isEqualTo("203.0.113.5");
	}

	@Test
	void aPortAProxyAppendedToTheClientAddressIsNotPartOfTheKey() {
		assertThat(this.resolver.resolve(request("10.0.0.2", "203.0.113.5:4711"))).isEqualTo("203.0.113.5");
		assertThat(this.resolver.resolve(request("10.0.0.2", "[2001:db8:1:2::9]:443"))).isEqualTo("2001:db8:1:2::/64");
		assertThat(this.resolver.resolve(request("10.0.0.2", "203.0.113.5:4711, 10.0.0.7:80")))
			.isEqualTo("203.0.113.5");
	}

}
