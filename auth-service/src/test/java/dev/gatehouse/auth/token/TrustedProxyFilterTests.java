package dev.gatehouse.auth.token;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class TrustedProxyFilterTests {

	private final TrustedProxyFilter filter = new TrustedProxyFilter(
			new ClientAddressResolver(TestProperties.withTrustedProxies("10.0.0.0/8", "2001:db8:1::/48")));

	@Test
	void forwardedHeadersOfATrustedProxyGiveTheUrlAndAddressTheClientUsed() throws Exception {
		Seen seen = filter(forwardedFrom("10.0.0.1"));
		assertThat(seen.remoteAddr()).isEqualTo("198.51.100.7");
		assertThat(seen.url()).isEqualTo("https://gateway.example/auth/docs");
		assertThat(seen.contextPath()).isEqualTo("/auth");
	}

	@Test
	void forwardedHeadersOfAnIPv6TrustedProxyCountToo() throws Exception {
		Seen seen = filter(forwardedFrom("2001:db8:1:0:0:0:0:5"));
		assertThat(seen.remoteAddr()).isEqualTo("198.51.100.7");
		assertThat(seen.contextPath()).isEqualTo("/auth");
	}

	@Test
	void forwardedHeadersOfAnyOtherPeerAreRemovedUnread() throws Exception {
		Seen seen = filter(forwardedFrom("198.51.100.1"));
		assertThat(seen.remoteAddr()).isEqualTo("198.51.100.1");
		assertThat(seen.url()).isEqualTo("http://auth.internal/docs");
		assertThat(seen.contextPath()).isEmpty();
		assertThat(seen.prefix()).isNull();
		assertThat(seen.forwardedFor()).isNull();
	}

	@Test
	void forwardedForFromAnUntrustedPeerIsLoggedOnceWithoutItsValue(CapturedOutput output) throws Exception {
		filter(forwardedFrom("198.51.100.1"));
		filter(forwardedFrom("198.51.100.2"));
		assertThat(output.getOut().split("Ignoring X-Forwarded-For", -1)).hasSize(2);
		assertThat(output.getOut()).contains("Ignoring X-Forwarded-For from 198.51.100.1")
			.contains("gatehouse.auth.trusted-proxies")
			.doesNotContain("198.51.100.7")
			.doesNotContain("gateway.example");
	}

	@Test
	void anEmptyTrustedProxyListIsWarnedAboutAtStartUp(CapturedOutput output) {
		new ClientAddressResolver(TestProperties.withTrustedProxies());
		assertThat(output.getOut()).contains("gatehouse.auth.trusted-proxies is empty: X-Forwarded-For is ignored");
	}

	private static MockHttpServletRequest forwardedFrom(String peer) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/docs");
		request.setServerName("auth.internal");
		request.setServerPort(80);
		request.setRemoteAddr(peer);
		request.addHeader("X-Forwarded-For", "198.51.100.7");
		request.addHeader("X-Forwarded-Proto", "https");
		request.addHeader("X-Forwarded-Host", "gateway.example");
		request.addHeader("X-Forwarded-Prefix", "/auth");
		return request;
	}

	/**
	 * What the application sees, read while the filter chain runs (the wrappers are valid
	 * only inside it).
	 */
	private Seen filter(MockHttpServletRequest request) throws Exception {
		AtomicReference<Seen> seen = new AtomicReference<>();
		this.filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> {
			HttpServletRequest http = (HttpServletRequest) req;
			seen.set(new Seen(http.getRemoteAddr(), http.getRequestURL().toString(), http.getContextPath(),
					http.getHeader("X-Forwarded-Prefix"), http.getHeader("X-Forwarded-For")));
		});
		return seen.get();
	}

	private record Seen(String remoteAddr, String url, String contextPath, String prefix, String forwardedFor) {
	}

}
