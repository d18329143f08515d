package dev.gatehouse.gateway.problem;

import java.net.ConnectException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.ConnectTimeoutException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

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
import dev.gatehouse.gateway.path.PathRejectedException;
import dev.gatehouse.gateway.policy.InvalidRoutePolicyException;
import dev.gatehouse.gateway.ratelimit.RateLimitStoreUnavailableException;
import dev.gatehouse.gateway.ratelimit.RateLimitedException;
import dev.gatehouse.gateway.security.InvalidBearerRequestException;
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

	/**
	 * Every refusal type carries its whole answer: status, body (exactly these fields and
	 * values) and its own header; the list is docs/problems.md.
	 */
	@Test
	void everyRefusalAnswersWithItsOwnStatusBodyAndHeaders() {
		record Case(Supplier<Throwable> refusal, int status, String type, String title, String detail, String header,
				String value) {
		}
		String bearer = "Bearer realm=\"gatehouse\"";
		List<Case> cases = List.of(
				new Case(MissingBearerTokenException::new, 401, "unauthorized", "Unauthorized",
						"A bearer access token is required.", HttpHeaders.WWW_AUTHENTICATE, bearer),
				new Case(() -> new TokenRejectedException(TokenRejectedException.Reason.INVALID_CLAIM, "roles"), 401,
						"invalid-token", "Invalid token",
						"The access token is not acceptable: invalid or missing claim: roles.",
						HttpHeaders.WWW_AUTHENTICATE,
						bearer + ", error=\"invalid_token\", error_description=\"invalid or missing claim: roles\""),
				new Case(() -> new InvalidBearerRequestException("several \"Authorization\" headers"), 400,
						"invalid-request", "Invalid request",
						"The request is malformed: several \"Authorization\" headers.", HttpHeaders.WWW_AUTHENTICATE,
						bearer + ", error=\"invalid_request\", error_description=\"several \\\"Authorization\\\" headers\""),
				new Case(() -> new InsufficientScopeException("requires the scopes [a]"), 403, "insufficient-scope",
						"Forbidden", "The access token does not grant this route: requires the scopes [a].",
						HttpHeaders.WWW_AUTHENTICATE,
						bearer + ", error=\"insufficient_scope\", error_description=\"requires the scopes [a]\""),
				new Case(() -> new KeysUnavailableException("http://issuer.test", Duration.ofMillis(2500)), 503,
						"keys-unavailable", "Service unavailable",
						"The token issuer's signing keys cannot be obtained right now; try again later.",
						HttpHeaders.RETRY_AFTER, "3"),
				new Case(() -> new RateLimitedException(41), 429, "rate-limited", "Too many requests",
						"This route's rate limit is exhausted; retry after the indicated time.",
						HttpHeaders.RETRY_AFTER, "41"),
				new Case(RateLimitStoreUnavailableException::new, 503, "rate-limit-unavailable", "Service unavailable",
						"The rate limit cannot be checked right now; try again shortly.", HttpHeaders.RETRY_AFTER, "1"),
				new Case(() -> new PathRejectedException("dot segment"), 400, "path-rejected", "Bad request",
						"The request path is not allowed: dot segment.", null, null),
				new Case(() -> new MethodRejectedException("GET, HEAD"), 405, "method-not-allowed",
						"Method not allowed", "The gateway does not accept this request method.", HttpHeaders.ALLOW,
						"GET, HEAD"),
				new Case(() -> new InvalidRoutePolicyException("roles[0]", "not a role name"), 500,
						"route-misconfigured", "Internal server error", "The route's policy is misconfigured.", null,
						null));
		for (Case refusal : cases) {
			WebTestClient.ResponseSpec response = get(refusal.refusal()).expectStatus().isEqualTo(refusal.status());
			if (refusal.header() != null) {
				response.expectHeader().valueEquals(refusal.header(), refusal.value());
			}
			else {
				response.expectHeader()
					.doesNotExist(HttpHeaders.WWW_AUTHENTICATE)
					.expectHeader()
					.doesNotExist(HttpHeaders.RETRY_AFTER);
			}
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("type", "urn:gatehouse:problem:" + refusal.type());
			body.put("title", refusal.title());
			body.put("status", refusal.status());
			body.put("detail", refusal.detail());
			body.put("instance", "/api/items");
			body.put("requestId", "rid-7");
			response.expectBody(String.class).isEqualTo(JsonMapper.builder().build().writeValueAsString(body));
		}
	}

}
