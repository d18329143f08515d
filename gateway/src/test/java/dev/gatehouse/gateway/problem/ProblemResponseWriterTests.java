package dev.gatehouse.gateway.problem;

import java.security.cert.X509Certificate;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.ErrorResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writer's response headers that do not depend on the failure: security headers, and
 * HSTS only under TLS.
 */
class ProblemResponseWriterTests {

	private static final ErrorResponse PROBLEM = ErrorResponse
		.builder(new IllegalStateException(), HttpStatus.UNAUTHORIZED, "no token")
		.type(GatewayRefusal.type("unauthorized"))
		.title("Unauthorized")
		.build();

	private static final SslInfo TLS = new SslInfo() {
		@Override
		public String getSessionId() {
			return "session";
		}

		@Override
		public X509Certificate[] getPeerCertificates() {
			return null;
		}
	};

	@Test
	void anAnswerOverTlsCarriesHsts() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("https://gateway.test/api/items").sslInfo(TLS));
		new ProblemResponseWriter().write(exchange, PROBLEM).block();
		assertThat(exchange.getResponse().getHeaders().getFirst("Strict-Transport-Security"))
			.isEqualTo("max-age=31536000");
		assertThat(exchange.getResponse().getHeaders().getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
	}

	@Test
	void anAnswerOverPlainHttpHasNoHsts() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("http://gateway.test/api/items"));
		new ProblemResponseWriter().write(exchange, PROBLEM).block();
		assertThat(exchange.getResponse().getHeaders().containsHeader("Strict-Transport-Security")).isFalse();
		assertThat(exchange.getResponse().getHeaders().getFirst("X-Frame-Options")).isEqualTo("DENY");
	}

}
