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

	@Test
	void aGrpcCallIsRefusedAsHttp200WithGrpcStatusAndPercentEncodedMessage() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post("http://gateway.test/pkg.Service/Method")
				.header("Content-Type", "application/grpc+proto"));
		ErrorResponse problem = ErrorResponse.builder(new IllegalStateException(), HttpStatus.FORBIDDEN, "100% no")
			.type(GatewayRefusal.type("insufficient-scope"))
			.build();
		new ProblemResponseWriter().write(exchange, problem).block();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(exchange.getResponse().getHeaders().getFirst("Content-Type")).isEqualTo("application/grpc");
		assertThat(exchange.getResponse().getHeaders().getFirst("grpc-status")).isEqualTo("7");
		assertThat(exchange.getResponse().getHeaders().getFirst("grpc-message")).isEqualTo("100%25 no");
	}

	@Test
	void gatewayStatusesMapToTheGrpcCodesClientsExpect() {
		assertThat(GrpcRefusal.code(401)).isEqualTo(16);
		assertThat(GrpcRefusal.code(403)).isEqualTo(7);
		assertThat(GrpcRefusal.code(429)).isEqualTo(8);
		assertThat(GrpcRefusal.code(413)).isEqualTo(8);
		assertThat(GrpcRefusal.code(404)).isEqualTo(12);
		assertThat(GrpcRefusal.code(503)).isEqualTo(14);
		assertThat(GrpcRefusal.code(504)).isEqualTo(4);
		assertThat(GrpcRefusal.percentEncoded("caf\u00e9\n")).isEqualTo("caf%C3%A9%0A");
	}

}
