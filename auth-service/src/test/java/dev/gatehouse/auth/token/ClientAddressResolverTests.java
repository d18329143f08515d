package dev.gatehouse.auth.token;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ClientAddressResolverTests {

	@Test
	void cidrMatchesV4AndV6Ranges() {
		assertThat(ClientAddressResolver.Cidr.parse("10.0.0.0/8").contains("10.200.3.4")).isTrue();
		assertThat(ClientAddressResolver.Cidr.parse("10.0.0.0/8").contains("11.0.0.1")).isFalse();
		assertThat(ClientAddressResolver.Cidr.parse("192.168.1.128/25").contains("192.168.1.200")).isTrue();
		assertThat(ClientAddressResolver.Cidr.parse("192.168.1.128/25").contains("192.168.1.100")).isFalse();
		assertThat(ClientAddressResolver.Cidr.parse("::1").contains("0:0:0:0:0:0:0:1")).isTrue();
		assertThat(ClientAddressResolver.Cidr.parse("127.0.0.1").contains("::ffff:127.0.0.1")).isTrue();
		assertThat(ClientAddressResolver.Cidr.parse("127.0.0.1").contains("not-an-ip.example")).isFalse();
	}

	@Test
	void ipv6RangesMatchOnlyTheirPrefix() {
		ClientAddressResolver.Cidr range = ClientAddressResolver.Cidr.parse("2001:db8:1::/48");
		assertThat(range.contains("2001:db8:1:ffff::9")).isTrue();
		assertThat(range.contains("2001:0db8:0001:0000:0000:0000:0000:0001")).isTrue();
		assertThat(range.contains("[2001:db8:1::1]")).isTrue();
		assertThat(range.contains("2001:db8:2::1")).isFalse();
		assertThat(range.contains("10.0.0.1")).isFalse();
		assertThat(ClientAddressResolver.Cidr.parse("fd00::/8").contains("fdab::1")).isTrue();
		assertThat(ClientAddressResolver.Cidr.parse("::/0").contains("2001:db8::1")).isTrue();
		assertThat(ClientAddressResolver.Cidr.parse("::/0").contains("192.0.2.1")).isFalse();
	}

	@Test
	void forwardedForBehindAnIPv6ProxyIsWalkedLikeIPv4() {
		ClientAddressResolver resolver = new ClientAddressResolver(
				TestProperties.withTrustedProxies("2001:db8:1::/48", "::1"));
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr("0:0:0:0:0:0:0:1");
		request.addHeader("X-Forwarded-For", "6.6.6.6, 2001:db8:ffff::9, 2001:db8:1::7");
		assertThat(resolver.resolve(request)).isEqualTo("2001:db8:ffff::9");
		request.setRemoteAddr("2001:db8:2:0:0:0:0:1");
		assertThat(resolver.resolve(request)).isEqualTo("2001:db8:2:0:0:0:0:1");
	}

	@Test
	void badTrustedProxyEntriesAreNamed() {
		assertThatIllegalStateException().isThrownBy(() -> ClientAddressResolver.Cidr.parse("gateway.internal"))
			.withMessageContaining("gatehouse.auth.trusted-proxies");
		assertThatIllegalStateException().isThrownBy(() -> ClientAddressResolver.Cidr.parse("10.0.0.0/33"))
			.withMessageContaining("gatehouse.auth.trusted-proxies");
		assertThatIllegalStateException().isThrownBy(() -> ClientAddressResolver.Cidr.parse("2001:db8::/129"))
			.withMessageContaining("gatehouse.auth.trusted-proxies");
	}

	@Test
	void forwardedForIsWalkedFromTheRightAndStopsAtTheFirstUntrustedHop() {
		ClientAddressResolver resolver = new ClientAddressResolver(TestProperties.withTrustedProxies("10.0.0.0/8"));
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr("10.0.0.5");
		request.addHeader("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.0.0.7");
		assertThat(resolver.resolve(request)).isEqualTo("203.0.113.9");
	}

	@Test
	void forwardedForFromAnUntrustedPeerIsIgnored() {
		ClientAddressResolver resolver = new ClientAddressResolver(TestProperties.withTrustedProxies("10.0.0.0/8"));
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setRemoteAddr("198.51.100.1");
		request.addHeader("X-Forwarded-For", "10.0.0.9");
		assertThat(resolver.resolve(request)).isEqualTo("198.51.100.1");
	}

}
