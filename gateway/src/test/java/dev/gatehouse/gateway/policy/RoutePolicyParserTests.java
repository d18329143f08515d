package dev.gatehouse.gateway.policy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import java.net.URI;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.route.RouteDefinition;

import dev.gatehouse.gateway.ratelimit.RateLimit;
import dev.gatehouse.gateway.security.ClaimCondition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutePolicyParserTests {

	private static final String OURS = "https://auth.example.com";

	private static final String PARTNER = "https://partner.example";

	private final RoutePolicyParser parser = new RoutePolicyParser(Set.of(OURS, PARTNER));

	@Test
	void routeWithoutMetadataRequiresAValidToken() {
		assertThat(this.parser.parse(Map.of())).isEqualTo(RoutePolicy.AUTHENTICATED);
		assertThat(this.parser.parse(null).publicAccess()).isFalse();
	}

	@Test
	void readsTheContractExample() {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("roles", List.of("admin"));
		metadata.put("scopes", Map.of("0", "items:read", "1", "items:write"));
		metadata.put("rate-limit", Map.of("requests", 5, "period", "60s", "key", "subject"));
		metadata.put("forward-token", false);
		RoutePolicy policy = this.parser.parse(metadata);
		assertThat(policy.publicAccess()).isFalse();
		assertThat(policy.roles()).containsExactly("admin");
		assertThat(policy.scopes()).containsExactly("items:read", "items:write");
		assertThat(policy.forwardToken()).isFalse();
		assertThat(policy.rateLimits())
			.containsExactly(new RateLimit("default", 5, Duration.ofSeconds(60), RateLimit.Key.SUBJECT));
		assertThat(policy.issuers()).as("every configured issuer").isEmpty();
		assertThat(this.parser.parse(Map.of("auth", "public", "forward-token", "true")))
			.isEqualTo(new RoutePolicy(true, List.of(), List.of(), true));
	}

	@Test
	void acceptsSpringCloudGatewayTimeoutsAndOperatorAnnotations() {
		assertThat(this.parser.parse(Map.of("connect-timeout", 200, "response-timeout", "5000", "x-owner", "team-a")))
			.isEqualTo(RoutePolicy.AUTHENTICATED);
	}

	@Test
	void acceptsAListOfRateLimits() {
		Map<String, Object> burst = Map.of("requests", 5, "period", "1s", "key", "ip");
		Map<String, Object> quota = Map.of("requests", "1000", "period", "1h");
		List<RateLimit> expected = List.of(new RateLimit("limit-1", 5, Duration.ofSeconds(1), RateLimit.Key.IP),
				new RateLimit("limit-2", 1000, Duration.ofHours(1), RateLimit.Key.SUBJECT));
		assertThat(this.parser.parse(Map.of("rate-limit", List.of(burst, quota))).rateLimits())
			.containsExactlyElementsOf(expected);
		// the indexed form a properties file or environment variables bind to
		assertThat(this.parser.parse(Map.of("rate-limit", Map.of("0", burst, "1", quota))).rateLimits())
			.containsExactlyElementsOf(expected);
	}

	@Test
	void refusesUnknownKeySoATypoNeverOpensARoute() {
		assertThatThrownBy(() -> this.parser.parse(Map.of("role", List.of("admin"))))
			.isInstanceOfSatisfying(InvalidRoutePolicyException.class, ex -> {
				assertThat(ex.getKey()).isEqualTo("role");
				assertThat(ex.getMessage()).startsWith("metadata.role: unknown policy key");
			});
	}

	@Test
	void refusesMalformedRolesAndScopesNamingTheEntry() {
		assertThatThrownBy(() -> this.parser.parse(Map.of("roles", List.of("user", "ad,min")))).isInstanceOfSatisfying(
				InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("roles[1]"));
		assertThatThrownBy(() -> this.parser.parse(Map.of("scopes", List.of("items read")))).isInstanceOfSatisfying(
				InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("scopes[0]"));
		assertThatThrownBy(() -> this.parser.parse(Map.of("roles", List.of(""))))
			.isInstanceOf(InvalidRoutePolicyException.class);
	}

	@Test
	void readsSenderConstrainedAndRefusesItOnAPublicRouteOrWithAnotherValue() {
		assertThat(this.parser.parse(Map.of("sender-constrained", true)).senderConstrained()).isTrue();
		assertThat(this.parser.parse(Map.of("sender-constrained", "false")).senderConstrained()).isFalse();
		assertThat(this.parser.parse(Map.of()).senderConstrained()).isFalse();
		assertThatThrownBy(() -> this.parser.parse(Map.of("sender-constrained", "yes")))
			.isInstanceOf(InvalidRoutePolicyException.class)
			.hasMessageContaining("sender-constrained");
		assertThatThrownBy(() -> this.parser.parse(Map.of("auth", "public", "sender-constrained", true)))
			.isInstanceOf(InvalidRoutePolicyException.class)
			.hasMessageContaining("sender-constrained");
	}

	@Test
	void refusesBadValues() {
		assertThatThrownBy(() -> this.parser.parse(Map.of("auth", "anonymous")))
			.isInstanceOf(InvalidRoutePolicyException.class);
		assertThatThrownBy(() -> this.parser.parse(Map.of("forward-token", "yes")))
			.isInstanceOf(InvalidRoutePolicyException.class);
		assertThatThrownBy(() -> this.parser.parse(Map.of("response-timeout", "10s")))
			.isInstanceOf(InvalidRoutePolicyException.class);
		assertThatThrownBy(() -> this.parser.parse(Map.of("auth", "public", "roles", List.of("admin"))))
			.isInstanceOf(InvalidRoutePolicyException.class);
	}

	@Test
	void refusesMalformedRateLimits() {
		assertThatThrownBy(() -> this.parser.parse(Map.of("rate-limit", Map.of("requests", 0, "period", "60s"))))
			.isInstanceOfSatisfying(InvalidRoutePolicyException.class,
					ex -> assertThat(ex.getKey()).isEqualTo("rate-limit.requests"));
		assertThatThrownBy(() -> this.parser.parse(Map.of("rate-limit", Map.of("requests", 5, "period", "soon"))))
			.isInstanceOfSatisfying(InvalidRoutePolicyException.class,
					ex -> assertThat(ex.getKey()).isEqualTo("rate-limit.period"));
		assertThatThrownBy(
				() -> this.parser.parse(Map.of("rate-limit", Map.of("requests", 5, "period", "1m", "key", "user"))))
			.isInstanceOf(InvalidRoutePolicyException.class);
		assertThatThrownBy(
				() -> this.parser.parse(Map.of("rate-limit", Map.of("requests", 5, "period", "1m", "burst", 3))))
			.isInstanceOf(InvalidRoutePolicyException.class);
	}

	@Test
	void readsTheIssuersARouteAccepts() {
		RoutePolicy policy = this.parser.parse(Map.of("issuers", List.of(OURS)));
		assertThat(policy.acceptsIssuer(OURS)).isTrue();
		assertThat(policy.acceptsIssuer(PARTNER)).isFalse();
		assertThat(this.parser.parse(Map.of("issuers", Map.of("0", PARTNER, "1", OURS))).issuers())
			.containsExactlyInAnyOrder(OURS, PARTNER);
		assertThat(RoutePolicy.AUTHENTICATED.acceptsIssuer(PARTNER)).as("default: every configured issuer").isTrue();
	}

	@Test
	void refusesAnIssuerThatIsNotConfiguredNamingTheEntry() {
		assertThatThrownBy(() -> this.parser.parse(Map.of("issuers", List.of(OURS, "https://auth.example.com/"))))
			.isInstanceOfSatisfying(InvalidRoutePolicyException.class, ex -> {
				assertThat(ex.getKey()).isEqualTo("issuers[1]");
				assertThat(ex.getMessage()).contains("not a configured issuer");
			});
	}

	@Test
	void refusesIssuersThatAreNotANonEmptyList() {
		assertThatThrownBy(() -> this.parser.parse(Map.of("issuers", OURS))).isInstanceOfSatisfying(
				InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("issuers"));
		assertThatThrownBy(() -> this.parser.parse(Map.of("issuers", List.of()))).isInstanceOfSatisfying(
				InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("issuers"));
		assertThatThrownBy(() -> this.parser.parse(Map.of("issuers", ""))).isInstanceOfSatisfying(
				InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("issuers"));
		assertThatThrownBy(() -> this.parser.parse(Map.of("issuers", Map.of("url", OURS))))
			.isInstanceOf(InvalidRoutePolicyException.class);
		assertThatThrownBy(() -> this.parser.parse(Map.of("issuers", List.of(1)))).isInstanceOfSatisfying(
				InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("issuers[0]"));
		assertThatThrownBy(() -> this.parser.parse(Map.of("auth", "public", "issuers", List.of(OURS))))
			.isInstanceOf(InvalidRoutePolicyException.class);
	}

	@Test
	void acceptsTheProtocolKeys() {
		assertThat(this.parser.parse(Map.of("streaming", true, "max-request-size", "512MB")))
			.isEqualTo(RoutePolicy.AUTHENTICATED);
		assertThat(this.parser.parse(Map.of("max-request-size", 1024))).isEqualTo(RoutePolicy.AUTHENTICATED);
	}

	@Test
	void refusesAMalformedMaxRequestSizeOrAStreamingRouteWithAResponseTimeout() {
		for (Object size : List.of("lots", "0", "-1MB")) {
			assertThatThrownBy(() -> this.parser.parse(Map.of("max-request-size", size))).isInstanceOfSatisfying(
					InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("max-request-size"));
		}
		assertThatThrownBy(() -> this.parser.parse(Map.of("streaming", "yes")))
			.isInstanceOf(InvalidRoutePolicyException.class);
		assertThatThrownBy(() -> this.parser.parse(Map.of("streaming", true, "response-timeout", 5000)))
			.isInstanceOfSatisfying(InvalidRoutePolicyException.class,
					ex -> assertThat(ex.getKey()).isEqualTo("streaming"));
	}

	private static RouteDefinition route(String path, Map<String, Object> metadata) {
		RouteDefinition route = new RouteDefinition();
		route.setId("tenants");
		route.setUri(URI.create("http://backend.test"));
		route.setPredicates(List.of(new PredicateDefinition("Path=" + path)));
		route.setMetadata(metadata);
		return route;
	}

	@Test
	void readsClaimsHeadersAndPlansOfTheContractExample() {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("issuers", List.of(OURS));
		metadata.put("claims", Map.of("tenant", "{tenant}", "plan", List.of("gold", "silver"), "email",
				Map.of("matches", ".*@example\\.com"), "org", Map.of("id", "acme")));
		metadata.put("headers", Map.of("X-Tenant", "tenant"));
		metadata.put("rate-limit", List.of(Map.of("requests", 100, "period", "60s", "key", "claim:tenant"), Map
			.of("requests", 1000, "period", "60s", "key", "client", "when", Map.of("plan", "gold"), "name", "gold")));
		RoutePolicyParser.Result result = this.parser.parseRoute(route("/tenants/{tenant}/**", metadata));
		assertThat(result.problems()).isEmpty();
		RoutePolicy policy = result.policy();
		assertThat(policy.claims()).hasSize(4);
		assertThat(policy.claims()).filteredOn((c) -> c.claim().toString().equals("org.id"))
			.singleElement()
			.extracting(ClaimCondition::operator)
			.isEqualTo(ClaimCondition.Operator.EQUALS);
		assertThat(policy.headers()).singleElement().satisfies((header) -> {
			assertThat(header.name()).isEqualTo("X-Tenant");
			assertThat(header.claim()).hasToString("tenant");
		});
		assertThat(policy.rateLimits()).extracting(RateLimit::name, RateLimit::keyName, RateLimit::isPlan)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("limit-1", "claim:tenant", false),
					org.assertj.core.groups.Tuple.tuple("gold", "client", true));
	}

	@Test
	void refusesAUriVariableThatThePathPredicateDoesNotDefine() {
		RoutePolicyParser.Result result = this.parser
			.parseRoute(route("/orgs/{org}/**", Map.of("claims", Map.of("tenant", "{tenant}"))));
		assertThat(result.policy()).isNull();
		assertThat(result.problems()).singleElement()
			.asString()
			.startsWith("claims.tenant: the route's Path predicate defines no URI variable {tenant}");
		assertThat(RoutePolicyParser.uriVariables(List.of(new PredicateDefinition("Path=/a/{x:[0-9]+}/{*rest}"))))
			.containsExactly("x", "rest");
	}

	@Test
	void collectsEveryProblemOfARouteEachNamingItsKey() {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("role", "admin");
		metadata.put("claims", Map.of("email", Map.of("match", ".*")));
		metadata.put("headers", Map.of("X-Auth-Subject", "sub", "Bad Header", "tenant"));
		metadata.put("rate-limit", Map.of("requests", 5, "period", "60s", "key", "claim:", "when", "gold"));
		RoutePolicyParser.Result result = this.parser.parseRoute(route("/x/**", metadata));
		assertThat(result.problems()).hasSize(6)
			.anySatisfy((p) -> assertThat(p).startsWith("role: unknown policy key"))
			.anySatisfy((p) -> assertThat(p).startsWith("claims.email.match: unknown operator"))
			.anySatisfy((p) -> assertThat(p).startsWith("headers.X-Auth-Subject: the gateway sets this header"))
			.anySatisfy((p) -> assertThat(p).startsWith("headers.Bad Header: not a header name"))
			.anySatisfy((p) -> assertThat(p).startsWith("rate-limit.key: '' is not a claim name"))
			.anySatisfy((p) -> assertThat(p).startsWith("rate-limit.when: must be a non-empty map"));
	}

	@Test
	void refusesClaimsAndHeadersOnAPublicRoute() {
		assertThatThrownBy(() -> this.parser.parse(Map.of("auth", "public", "claims", Map.of("plan", "gold"))))
			.isInstanceOfSatisfying(InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("auth"));
		assertThatThrownBy(() -> this.parser.parse(Map.of("auth", "public", "headers", Map.of("X-Plan", "plan"))))
			.isInstanceOfSatisfying(InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("auth"));
	}

	@Test
	void refusesDuplicateLimitNamesAndTooManyPlans() {
		Map<String, Object> a = Map.of("requests", 5, "period", "1s", "name", "a");
		assertThatThrownBy(() -> this.parser.parse(Map.of("rate-limit", List.of(a, a)))).isInstanceOfSatisfying(
				InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("rate-limit[1].name"));
		List<Object> plans = new java.util.ArrayList<>();
		for (int i = 0; i < 9; i++) {
			plans.add(Map.of("requests", 5, "period", "1s", "when", Map.of("plan", "p" + i)));
		}
		assertThatThrownBy(() -> this.parser.parse(Map.of("rate-limit", plans))).isInstanceOfSatisfying(
				InvalidRoutePolicyException.class, ex -> assertThat(ex.getKey()).isEqualTo("rate-limit[8].when"));
	}

}
