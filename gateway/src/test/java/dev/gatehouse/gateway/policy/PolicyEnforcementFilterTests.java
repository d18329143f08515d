package dev.gatehouse.gateway.policy;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import dev.gatehouse.gateway.forwarding.ForwardingAttributes;
import dev.gatehouse.gateway.security.BearerTokenExtractor;
import dev.gatehouse.gateway.security.InsufficientScopeException;
import dev.gatehouse.gateway.security.MissingBearerTokenException;
import dev.gatehouse.gateway.security.TestClaims;
import dev.gatehouse.gateway.security.TokenRejectedException;
import dev.gatehouse.gateway.security.TokenRevocationCheck;
import dev.gatehouse.gateway.security.TokenVerifier;
import dev.gatehouse.gateway.security.VerifiedToken;
import dev.gatehouse.gateway.security.dpop.DpopEnforcement;
import dev.gatehouse.gateway.security.dpop.DpopProofs;
import dev.gatehouse.gateway.security.dpop.DpopProperties;
import dev.gatehouse.gateway.security.dpop.DpopRequiredException;
import dev.gatehouse.gateway.security.dpop.InvalidDpopProofException;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyEnforcementFilterTests {

	private static final VerifiedToken USER = new VerifiedToken("iss", "alice", List.of("user"), List.of("items:read"),
			"web", "jti-1", "sid-1", Instant.now().plusSeconds(300));

	private static final String PARTNER = "https://partner.example";

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final AtomicBoolean forwarded = new AtomicBoolean();

	private final GatewayFilterChain chain = exchange -> {
		this.forwarded.set(true);
		return Mono.empty();
	};

	private static final VerifiedToken ACME = TestClaims
		.token("{\"tenant\":\"acme\",\"plan\":\"gold\",\"org\":{\"id\":\"acme\"},\"groups\":[\"a\",\"b\"],"
				+ "\"evil\":\"x\\r\\nX-Auth-Subject: root\",\"nonascii\":\"Zo\u00eb\",\"list\":[\"a\"]}");

	private static final DpopProofs DPOP_CLIENT = DpopProofs.client("ES256");

	private static final VerifiedToken BOUND = TestClaims
		.token("{\"cnf\":{\"jkt\":\"" + DPOP_CLIENT.thumbprint() + "\"}}");

	private final TokenVerifier verifier = token -> "good".equals(token) ? Mono.just(USER)
			: "acme".equals(token) ? Mono.just(ACME) : "bound".equals(token) ? Mono.just(BOUND)
					: Mono.error(new TokenRejectedException(TokenRejectedException.Reason.BAD_SIGNATURE));

	private final DpopEnforcement dpop = DpopEnforcement.of(
			new DpopProperties(true, List.of("ES256"), java.time.Duration.ofSeconds(60),
					java.time.Duration.ofSeconds(5), null, new DpopProperties.ReplayCache(100),
					new DpopProperties.Nonce(false, null, java.time.Duration.ofMinutes(5))),
			java.time.Clock.systemUTC(), null, java.time.Duration.ofMillis(250));

	private PolicyEnforcementFilter filter(TokenRevocationCheck revocation) {
		return new PolicyEnforcementFilter(new RoutePolicies(Set.of("iss", PARTNER)), new BearerTokenExtractor(),
				this.verifier, revocation, this.meters);
	}

	private PolicyEnforcementFilter dpopFilter() {
		return new PolicyEnforcementFilter(new RoutePolicies(Set.of("iss", PARTNER)), new BearerTokenExtractor(),
				this.verifier, TokenRevocationCheck.NONE, this.meters, this.dpop);
	}

	private static MockServerWebExchange exchange(Map<String, Object> metadata, String authorization) {
		return exchange(metadata, authorization, Map.of());
	}

	private static MockServerWebExchange exchange(Map<String, Object> metadata, String authorization,
			Map<String, String> uriVariables) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("http://gw.test/api/items");
		if (authorization != null) {
			request.header(HttpHeaders.AUTHORIZATION, authorization);
		}
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
		Route route = Route.async()
			.id("r-" + metadata.hashCode())
			.uri(URI.create("http://backend.test"))
			.predicate(e -> true)
			.metadata(metadata)
			.build();
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		ServerWebExchangeUtils.putUriTemplateVariables(exchange, uriVariables);
		return exchange;
	}

	@Test
	void publicRoutePassesWithoutAToken() {
		StepVerifier
			.create(filter(TokenRevocationCheck.NONE).filter(exchange(Map.of("auth", "public"), null), this.chain))
			.verifyComplete();
		assertThat(this.forwarded).isTrue();
	}

	@Test
	void routeWithoutPolicyDeniesARequestWithoutToken() {
		StepVerifier.create(filter(TokenRevocationCheck.NONE).filter(exchange(Map.of(), null), this.chain))
			.expectError(MissingBearerTokenException.class)
			.verify();
		assertThat(this.forwarded).isFalse();
		assertThat(this.meters.counter("gatehouse.gateway.refusals", "reason", "missing_token").count()).isEqualTo(1);
	}

	@Test
	void validTokenIsForwardedWithItsIdentity() {
		MockServerWebExchange exchange = exchange(Map.of(), "Bearer good");
		StepVerifier.create(filter(TokenRevocationCheck.NONE).filter(exchange, this.chain)).verifyComplete();
		assertThat(this.forwarded).isTrue();
		assertThat((VerifiedToken) exchange.getAttribute(ForwardingAttributes.IDENTITY)).isEqualTo(USER);
	}

	@Test
	void badTokenNeverReachesTheBackend() {
		StepVerifier.create(filter(TokenRevocationCheck.NONE).filter(exchange(Map.of(), "Bearer bad"), this.chain))
			.expectError(TokenRejectedException.class)
			.verify();
		assertThat(this.forwarded).isFalse();
	}

	@Test
	void revokedTokenIsRejectedThroughTheRevocationSeam() {
		TokenRevocationCheck denylist = token -> "sid-1".equals(token.sessionId());
		StepVerifier.create(filter(denylist).filter(exchange(Map.of(), "Bearer good"), this.chain))
			.expectErrorSatisfies(error -> assertThat(((TokenRejectedException) error).getReason())
				.isEqualTo(TokenRejectedException.Reason.REVOKED))
			.verify();
		assertThat(this.forwarded).isFalse();
	}

	@Test
	void anyOneRoleIsEnough() {
		StepVerifier
			.create(filter(TokenRevocationCheck.NONE)
				.filter(exchange(Map.of("roles", List.of("admin", "user")), "Bearer good"), this.chain))
			.verifyComplete();
		StepVerifier
			.create(filter(TokenRevocationCheck.NONE).filter(exchange(Map.of("roles", List.of("admin")), "Bearer good"),
					this.chain))
			.expectError(InsufficientScopeException.class)
			.verify();
	}

	@Test
	void everyScopeIsRequired() {
		StepVerifier
			.create(filter(TokenRevocationCheck.NONE)
				.filter(exchange(Map.of("scopes", List.of("items:read", "items:write")), "Bearer good"), this.chain))
			.expectError(InsufficientScopeException.class)
			.verify();
		assertThat(this.forwarded).isFalse();
	}

	@Test
	void aTokenFromAnIssuerTheRouteDoesNotListIsAnInvalidTokenThere() {
		StepVerifier
			.create(filter(TokenRevocationCheck.NONE)
				.filter(exchange(Map.of("issuers", List.of(PARTNER)), "Bearer good"), this.chain))
			.expectErrorSatisfies(error -> {
				TokenRejectedException rejected = (TokenRejectedException) error;
				assertThat(rejected.getReason()).isEqualTo(TokenRejectedException.Reason.ISSUER_NOT_ACCEPTED);
				assertThat(rejected.getDescription()).isEqualTo("issuer not accepted on this route");
			})
			.verify();
		assertThat(this.forwarded).isFalse();
		assertThat(this.meters.counter("gatehouse.gateway.refusals", "reason", "issuer_not_accepted").count())
			.isEqualTo(1);
		StepVerifier
			.create(filter(TokenRevocationCheck.NONE)
				.filter(exchange(Map.of("issuers", List.of(PARTNER, "iss")), "Bearer good"), this.chain))
			.verifyComplete();
		assertThat(this.forwarded).isTrue();
	}

	private void refusedWith(MockServerWebExchange exchange, String description) {
		StepVerifier.create(filter(TokenRevocationCheck.NONE).filter(exchange, this.chain))
			.expectErrorSatisfies(
					(error) -> assertThat(error).isInstanceOf(InsufficientScopeException.class).hasMessage(description))
			.verify();
		assertThat(this.forwarded).isFalse();
	}

	private void admitted(MockServerWebExchange exchange) {
		StepVerifier.create(filter(TokenRevocationCheck.NONE).filter(exchange, this.chain)).verifyComplete();
		assertThat(this.forwarded).isTrue();
		this.forwarded.set(false);
	}

	@Test
	void everyClaimConditionMustHold() {
		Map<String, Object> claims = Map.of("claims",
				Map.of("plan", List.of("gold", "silver"), "org.id", "acme", "groups", Map.of("matches", "b")));
		admitted(exchange(claims, "Bearer acme"));
		Map<String, Object> oneFails = Map.of("claims",
				Map.of("plan", List.of("gold", "silver"), "org.id", "acme", "groups", Map.of("matches", "c")));
		refusedWith(exchange(oneFails, "Bearer acme"), "claim 'groups' does not satisfy the route's condition");
		assertThat(this.meters.counter("gatehouse.gateway.refusals", "reason", "insufficient_scope").count())
			.isEqualTo(1);
	}

	@Test
	void aTenantClaimMustMatchTheTenantInThePath() {
		Map<String, Object> tenant = Map.of("claims", Map.of("tenant", "{tenant}"));
		admitted(exchange(tenant, "Bearer acme", Map.of("tenant", "acme")));
		refusedWith(exchange(tenant, "Bearer acme", Map.of("tenant", "globex")),
				"claim 'tenant' does not satisfy the route's condition");
	}

	@Test
	void claimHeadersCarryTheClaimValuesToTheForwardingFilter() {
		MockServerWebExchange exchange = exchange(
				Map.of("headers", Map.of("X-Tenant", "tenant", "X-Org", "org.id", "X-Missing", "nope")), "Bearer acme");
		admitted(exchange);
		String[] headers = exchange.getAttribute(ForwardingAttributes.CLAIM_HEADERS);
		Map<String, String> sent = new java.util.HashMap<>();
		for (int i = 0; i < headers.length; i += 2) {
			sent.put(headers[i], headers[i + 1]);
		}
		assertThat(sent).containsEntry("X-Tenant", "acme")
			.containsEntry("X-Org", "acme")
			.containsEntry("X-Missing", null)
			.hasSize(3);
	}

	@Test
	void aClaimThatIsNotSafeHeaderTextIsRefusedAndCountedWithoutItsValue() {
		refusedWith(exchange(Map.of("headers", Map.of("X-Evil", "evil")), "Bearer acme"),
				"claim 'evil' cannot be sent in X-Evil (not a single value of safe header text)");
		refusedWith(exchange(Map.of("headers", Map.of("X-Name", "nonascii")), "Bearer acme"),
				"claim 'nonascii' cannot be sent in X-Name (not a single value of safe header text)");
		refusedWith(exchange(Map.of("headers", Map.of("X-List", "list")), "Bearer acme"),
				"claim 'list' cannot be sent in X-List (not a single value of safe header text)");
		assertThat(this.meters.counter("gatehouse.gateway.refusals", "reason", "unsafe_claim_header").count())
			.isEqualTo(3);
		assertThat(this.meters.counter("gatehouse.gateway.refusals", "reason", "insufficient_scope").count()).isZero();
	}

	@Test
	void evaluationExplainsEachRuleWithItsOutcome() {
		RoutePolicy policy = new RoutePolicies(Set.of("iss")).policyFor(Route.async()
			.id("explained")
			.uri(URI.create("http://backend.test"))
			.predicate(e -> true)
			.metadata(Map.of("roles", List.of("user"), "claims", Map.of("plan", "gold", "tenant", "{tenant}")))
			.build());
		RoutePolicy.Evaluation acme = policy.evaluate(ACME, Map.of("tenant", "acme"));
		assertThat(acme.allowed()).isTrue();
		assertThat(acme.rules()).hasSize(3).allMatch(RoutePolicy.RuleResult::passed);
		RoutePolicy.Evaluation other = policy.evaluate(ACME, Map.of("tenant", "globex"));
		assertThat(other.status()).isEqualTo(403);
		assertThat(other.rules()).filteredOn((rule) -> !rule.passed())
			.singleElement()
			.satisfies((rule) -> assertThat(rule.reason())
				.isEqualTo("claim 'tenant' does not satisfy the route's condition"));
		assertThat(policy.evaluate(null, null).status()).isEqualTo(401);
	}

	@Test
	void aDpopBoundTokenWithItsProofIsForwardedOnceAndItsReplayIsRefusedAndCounted() {
		String proof = DPOP_CLIENT.proof("GET", "http://gw.test/api/items", "bound", Instant.now());
		MockServerWebExchange first = MockServerWebExchange.from(MockServerHttpRequest.get("http://gw.test/api/items")
			.header("Authorization", "DPoP bound")
			.header("DPoP", proof));
		first.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route(Map.of("sender-constrained", true)));
		StepVerifier.create(dpopFilter().filter(first, this.chain)).verifyComplete();
		assertThat(this.forwarded).isTrue();
		assertThat((VerifiedToken) first.getAttribute(ForwardingAttributes.IDENTITY)).isEqualTo(BOUND);
		this.forwarded.set(false);
		MockServerWebExchange replay = MockServerWebExchange.from(MockServerHttpRequest.get("http://gw.test/api/items")
			.header("Authorization", "DPoP bound")
			.header("DPoP", proof));
		replay.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route(Map.of()));
		StepVerifier.create(dpopFilter().filter(replay, this.chain))
			.expectError(InvalidDpopProofException.class)
			.verify();
		assertThat(this.forwarded).isFalse();
		assertThat(this.meters.counter("gatehouse.gateway.refusals", "reason", "dpop_replayed").count()).isEqualTo(1);
	}

	@Test
	void aDpopBoundTokenSentAsBearerNeverReachesTheBackend() {
		StepVerifier.create(dpopFilter().filter(exchange(Map.of(), "Bearer bound"), this.chain))
			.expectError(DpopRequiredException.class)
			.verify();
		assertThat(this.forwarded).isFalse();
		assertThat(this.meters.counter("gatehouse.gateway.refusals", "reason", "dpop_bound_token_as_bearer").count())
			.isEqualTo(1);
	}

	@Test
	void aSenderConstrainedRouteRefusesABearerToken() {
		StepVerifier
			.create(dpopFilter().filter(exchange(Map.of("sender-constrained", true), "Bearer good"), this.chain))
			.expectError(DpopRequiredException.class)
			.verify();
		assertThat(this.forwarded).isFalse();
		assertThat(this.meters.counter("gatehouse.gateway.refusals", "reason", "dpop_sender_constrained_route").count())
			.isEqualTo(1);
		StepVerifier.create(dpopFilter().filter(exchange(Map.of(), "Bearer good"), this.chain)).verifyComplete();
	}

	private static Route route(Map<String, Object> metadata) {
		return Route.async()
			.id("r-" + metadata.hashCode())
			.uri(URI.create("http://backend.test"))
			.predicate(e -> true)
			.metadata(metadata)
			.build();
	}

}
