package dev.gatehouse.gateway.forwarding;

import java.net.InetSocketAddress;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which peers {@link ClientAddressResolver} trusts to forward the client address.
 */
class TrustedProxiesTests {

	private final ClientAddressResolver proxies = ClientAddressResolver
		.of(List.of("10.0.0.0/8", "192.0.2.7", "2001:db8:a::/48", "::1"));

	@ParameterizedTest
	@ValueSource(strings = { "10.0.0.1", "10.255.255.255", "192.0.2.7", "2001:db8:a::1", "2001:db8:a:ffff::9", "::1",
			"[::1]", "::ffff:10.1.2.3", "::ffff:192.0.2.7" })
	void addressesInsideAListedRangeAreTrusted(String address) {
		assertThat(this.proxies.contains(address)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "11.0.0.1", "192.0.2.8", "2001:db8:b::1", "::2", "::ffff:11.0.0.1", "unknown", "",
			"10.0.0.256", "10.0.0", "gateway.internal", "fe80::1%eth0" })
	void anythingElseIsNot(String address) {
		assertThat(this.proxies.contains(address)).isFalse();
	}

	@Test
	void nobodyIsTrustedByDefault() {
		ClientAddressResolver none = ClientAddressResolver.of(List.of());
		assertThat(none.isEmpty()).isTrue();
		assertThat(none.contains("127.0.0.1")).isFalse();
	}

	@Test
	void prefixZeroTrustsEveryAddressOfItsFamily() {
		ClientAddressResolver all = ClientAddressResolver.of(List.of("0.0.0.0/0"));
		assertThat(all.contains("203.0.113.1")).isTrue();
		assertThat(all.contains("2001:db8::1")).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "10\\.0\\.0\\.\\d+", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/-1", "10.0.0.0/",
			"10.0.0.0/8/8", "300.0.0.1", "proxy.internal", " " })
	void invalidEntriesNameTheKeyAndTheEntry(String entry) {
		assertThatIllegalArgumentException().isThrownBy(() -> ClientAddressResolver.of(List.of("10.0.0.0/8", entry)))
			.withMessageStartingWith("gatehouse.gateway.trusted-proxies[1]: ");
		assertThat(ClientAddressResolver.problem(entry)).isNotNull();
	}

	@Test
	void theFirstForwardedForFromAnUntrustedPeerIsLoggedOnceWithThePeerOnly() {
		Logger logger = (Logger) LoggerFactory.getLogger(ClientAddressResolver.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			ClientAddressResolver none = ClientAddressResolver.of(List.of());
			MockServerHttpRequest plain = MockServerHttpRequest.get("/")
				.remoteAddress(new InetSocketAddress("198.51.100.7", 40000))
				.build();
			assertThat(none.trustsPeerOf(plain)).isFalse();
			assertThat(appender.list).isEmpty();
			for (int i = 0; i < 3; i++) {
				MockServerHttpRequest forwarded = MockServerHttpRequest.get("/")
					.remoteAddress(new InetSocketAddress("198.51.100.7", 40000))
					.header("X-Forwarded-For", "203.0.113.66")
					.build();
				assertThat(none.trustsPeerOf(forwarded)).isFalse();
			}
			assertThat(appender.list).singleElement().satisfies((event) -> {
				assertThat(event.getFormattedMessage()).contains("198.51.100.7")
					.contains("gatehouse.gateway.trusted-proxies")
					.doesNotContain("203.0.113.66");
			});
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void aTrustedPeerIsRecognisedAlsoWhenItConnectsOverIpv6() {
		MockServerHttpRequest request = MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress("2001:db8:a::5", 40000))
			.build();
		assertThat(this.proxies.trustsPeerOf(request)).isTrue();
	}

}
