package dev.gatehouse.gateway.problem;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.ConnectTimeoutException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.support.ServiceUnavailableException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.gatehouse.gateway.forwarding.RequestIdWebFilter;
import dev.gatehouse.gateway.path.MethodRejectedException;
import dev.gatehouse.gateway.path.PathGuardWebFilter;
import dev.gatehouse.gateway.security.InsufficientScopeException;
import dev.gatehouse.gateway.security.KeysUnavailableException;
import dev.gatehouse.gateway.security.MissingBearerTokenException;
import dev.gatehouse.gateway.security.TokenRejectedException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebTestClient slice: request id filter, path guard and the problem+json exception
 * handler in front of a handler that fails in every way the gateway knows.
 */
class GatewayExceptionHandlerTests {

	private WebTestClient clientFailingWith(Supplier<Throwable> failure) {
		GatewayExceptionHandler handler = new GatewayExceptionHandler(new ProblemResponseWriter(),
				route -> Duration.ofSeconds(7));
		return WebTestClient
			.bindToRouterFunction(RouterFunctions.route()
				.GET("/ok", request -> ServerResponse.ok().bodyValue("ok"))
				.GET("/**", request -> Mono.error(failure.get()))
				.build())
			.webFilter(new RequestIdWebFilter(), new PathGuardWebFilter(), (exchange, chain) -> {
				// stands for a header the gateway itself sets before failing (e.g.
				// rate-limit fields)
				exchange.getResponse().getHeaders().set("RateLimit-Policy", "\"default\";q=5;w=60");
				return chain.filter(exchange);
			})
			.handlerStrategies(HandlerStrategies.empty()
				.codecs(codecs -> codecs.registerDefaults(true))
				.exceptionHandler(handler)
				.build())
			.build();
	}

	private WebTestClient.ResponseSpec get(Supplier<Throwable> failure) {
		return clientFailingWith(failure).get().uri("/api/items").header("X-Request-Id", "rid-7").exchange();
	}

	@Test
	void missingTokenIs401WithABareChallenge() {
		get(MissingBearerTokenException::new).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gatehouse\"")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals("X-Request-Id", "rid-7")
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("urn:gatehouse:problem:unauthorized")
			.jsonPath("$.title")
			.isEqualTo("Unauthorized")
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.detail")
			.isNotEmpty()
			.jsonPath("$.instance")
			.isEqualTo("/api/items")
			.jsonPath("$.requestId")
			.isEqualTo("rid-7");
	}

	@Test
	void rejectedTokenIs401InvalidTokenWithDescription() {
		get(() -> new TokenRejectedException(TokenRejectedException.Reason.EXPIRED)).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE,
					"Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"token expired\"");
	}

	@Test
	void insufficientScopeIs403() {
		get(() -> new InsufficientScopeException("requires one of the roles [admin]")).expectStatus()
			.isForbidden()
			.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE,
					value -> assertThat(value).startsWith("Bearer realm=\"gatehouse\", error=\"insufficient_scope\""));
	}

	@Test
	void refusedPathIs400BeforeTheHandler() {
		clientFailingWith(IllegalStateException::new).get()
			.uri("/api/%2e%2e/admin")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists("X-Request-Id");
	}

	@Test
	void refusedMethodIs405WithAllow() {
		get(() -> new MethodRejectedException("GET, HEAD")).expectStatus()
			.isEqualTo(405)
			.expectHeader()
			.valueEquals(HttpHeaders.ALLOW, "GET, HEAD")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.type")
			.isEqualTo("urn:gatehouse:problem:method-not-allowed");
	}

	@Test
	void unavailableKeysAre503WithRetryAfter() {
		get(() -> new KeysUnavailableException("http://issuer.test", Duration.ofSeconds(10))).expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "10");
	}

	@Test
	void openCircuitIs503WithRetryAfter() {
		get(ServiceUnavailableException::new).expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "7");
		get(() -> CallNotPermittedException.createCallNotPermittedException(CircuitBreaker.ofDefaults("x")))
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "7");
	}

	@Test
	void refusedConnectionIs502AndConnectTimeoutIs504() {
		get(() -> new ConnectException("Connection refused: /10.1.2.3:8080")).expectStatus()
			.isEqualTo(HttpStatus.BAD_GATEWAY)
			.expectBody(String.class)
			.value(body -> assertThat(body).doesNotContain("10.1.2.3"));
		get(() -> new ConnectTimeoutException("connection timed out")).expectStatus()
			.isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
	}

	@Test
	void unexpectedFailureIs500WithoutLeakingDetails() {
		get(() -> new IllegalStateException("secret internal detail")).expectStatus()
			.isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.value(body -> assertThat(body).doesNotContain("secret internal detail")
				.doesNotContain("IllegalStateException"));
	}

	@Test
	void successfulResponsesCarryTheRequestIdToo() {
		clientFailingWith(IllegalStateException::new).get()
			.uri("/ok")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.exists("X-Request-Id");
	}

	@Test
	void gatewayMadeErrorsCarrySecurityHeadersAndNoHstsOverPlainHttp() {
		for (WebTestClient.ResponseSpec response : List.of(get(MissingBearerTokenException::new),
				clientFailingWith(IllegalStateException::new).get().uri("/api/%2e%2e/admin").exchange())) {
			response.expectHeader()
				.valueEquals("X-Content-Type-Options", "nosniff")
				.expectHeader()
				.valueEquals("X-Frame-Options", "DENY")
				.expectHeader()
				.valueEquals("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
				.expectHeader()
				.valueEquals("Referrer-Policy", "no-referrer")
				.expectHeader()
				.doesNotExist("Strict-Transport-Security");
		}
	}

	@Test
	void keepsHeadersTheGatewayItselfSetBeforeTheFailure() {
		get(MissingBearerTokenException::new).expectHeader().valueEquals("RateLimit-Policy", "\"default\";q=5;w=60");
	}

}
