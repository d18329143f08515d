package dev.gatehouse.gateway.path;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

class MethodGuardWebFilterTests {

	private static final List<String> DEFAULT = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

	private final MethodGuardWebFilter filter = new MethodGuardWebFilter(DEFAULT);

	private static MockServerWebExchange exchange(String method) {
		return MockServerWebExchange
			.from(MockServerHttpRequest.method(HttpMethod.valueOf(method), "http://gw.test/api"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "TRACE", "CONNECT", "PROPFIND", "MKCOL", "get", "FOO" })
	void aMethodOutsideTheAllowListIsRefusedBeforeTheChainWithAllow(String method) {
		boolean[] called = { false };
		WebFilterChain chain = (exchange) -> {
			called[0] = true;
			return Mono.empty();
		};
		StepVerifier.create(this.filter.filter(exchange(method), chain))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(MethodRejectedException.class,
					(rejected) -> assertThat(rejected.getAllow())
						.isEqualTo("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")))
			.verify();
		assertThat(called[0]).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" })
	void theDefaultMethodsPass(String method) {
		boolean[] called = { false };
		StepVerifier.create(this.filter.filter(exchange(method), (exchange) -> {
			called[0] = true;
			return Mono.empty();
		})).verifyComplete();
		assertThat(called[0]).isTrue();
	}

	@Test
	void theAllowListIsConfigurable() {
		MethodGuardWebFilter readOnly = new MethodGuardWebFilter(List.of("GET", "HEAD", "PROPFIND"));
		StepVerifier.create(readOnly.filter(exchange("PROPFIND"), (exchange) -> Mono.empty())).verifyComplete();
		StepVerifier.create(readOnly.filter(exchange("POST"), (exchange) -> Mono.empty()))
			.expectErrorSatisfies((error) -> assertThat(((MethodRejectedException) error).getAllow())
				.isEqualTo("GET, HEAD, PROPFIND"))
			.verify();
	}

	@Test
	void runsRightAfterThePathGuardBeforeRouting() {
		assertThat(this.filter.getOrder()).isEqualTo(PathGuardWebFilter.ORDER + 1);
	}

}
