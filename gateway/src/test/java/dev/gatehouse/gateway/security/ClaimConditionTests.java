package dev.gatehouse.gateway.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each operator of route claim conditions, on ordinary and on hostile claims.
 */
class ClaimConditionTests {

	private static ClaimCondition condition(String claim, Object spec) {
		return condition(claim, spec, Set.of("tenant"));
	}

	private static ClaimCondition condition(String claim, Object spec, Set<String> uriVariables) {
		List<String> problems = new ArrayList<>();
		List<ClaimCondition> conditions = ClaimConditionParser.parse("claims", Map.of(claim, spec), uriVariables,
				problems);
		assertThat(problems).isEmpty();
		assertThat(conditions).hasSize(1);
		return conditions.get(0);
	}

	private static boolean holds(ClaimCondition condition, String claimsJson) {
		return condition.holds(TestClaims.of(claimsJson), Map.of("tenant", "acme"));
	}

	@Test
	void equalsComparesTheWholeValue() {
		ClaimCondition plan = condition("plan", "gold");
		assertThat(plan.operator()).isEqualTo(ClaimCondition.Operator.EQUALS);
		assertThat(holds(plan, "{\"plan\":\"gold\"}")).isTrue();
		assertThat(holds(plan, "{\"plan\":\"Gold\"}")).isFalse();
		assertThat(holds(plan, "{\"plan\":\"gold \"}")).isFalse();
		assertThat(holds(plan, "{}")).isFalse();
		assertThat(holds(condition("plan", Map.of("equals", "gold")), "{\"plan\":\"gold\"}")).isTrue();
	}

	@Test
	void oneOfHoldsForAnyListedValue() {
		ClaimCondition plan = condition("plan", List.of("gold", "silver"));
		assertThat(plan.operator()).isEqualTo(ClaimCondition.Operator.ONE_OF);
		assertThat(holds(plan, "{\"plan\":\"silver\"}")).isTrue();
		assertThat(holds(plan, "{\"plan\":\"bronze\"}")).isFalse();
		// as Spring Boot's binder delivers a list
		assertThat(holds(condition("plan", Map.of("0", "gold", "1", "silver")), "{\"plan\":\"gold\"}")).isTrue();
		assertThat(holds(condition("plan", Map.of("one-of", List.of("gold"))), "{\"plan\":\"gold\"}")).isTrue();
	}

	@Test
	void matchesIsAnchoredToTheWholeValue() {
		ClaimCondition email = condition("email", Map.of("matches", ".*@example\\.com"));
		assertThat(email.operator()).isEqualTo(ClaimCondition.Operator.MATCHES);
		assertThat(holds(email, "{\"email\":\"ann@example.com\"}")).isTrue();
		assertThat(holds(email, "{\"email\":\"ann@example.com.evil.test\"}")).isFalse();
		assertThat(holds(email, "{\"email\":\"ann@example.com\\nx\"}")).isFalse();
		assertThat(holds(condition("sub", Map.of("matches", "user-\\d+")), "{\"sub\":\"admin user-1\"}")).isFalse();
	}

	@Test
	void aUriVariableMustEqualTheClaimSoOneTenantCannotReadAnother() {
		ClaimCondition tenant = condition("tenant", "{tenant}");
		assertThat(tenant.operator()).isEqualTo(ClaimCondition.Operator.URI_VARIABLE);
		assertThat(tenant.holds(TestClaims.of("{\"tenant\":\"acme\"}"), Map.of("tenant", "acme"))).isTrue();
		assertThat(tenant.holds(TestClaims.of("{\"tenant\":\"acme\"}"), Map.of("tenant", "globex"))).isFalse();
		assertThat(tenant.holds(TestClaims.of("{\"tenant\":\"acme\"}"), Map.of())).as("variable not matched").isFalse();
		assertThat(tenant.holds(TestClaims.of("{\"tenant\":\"acme\"}"), null)).isFalse();
	}

	@Test
	void dottedPathsReadNestedClaimsInEitherShape() {
		ClaimCondition dotted = condition("org.id", "acme");
		assertThat(dotted.claim()).hasToString("org.id");
		assertThat(holds(dotted, "{\"org\":{\"id\":\"acme\"}}")).isTrue();
		assertThat(holds(dotted, "{\"org\":{\"id\":\"globex\"}}")).isFalse();
		assertThat(holds(dotted, "{\"org.id\":\"acme\"}")).as("a dot separates segments").isFalse();
		assertThat(holds(dotted, "{\"org\":\"acme\"}")).isFalse();
		// what Spring Boot's binder makes of `org.id: acme`
		ClaimCondition nested = condition("org", Map.of("id", "acme"));
		assertThat(nested).isEqualTo(dotted);
	}

	@Test
	void anArrayClaimHoldsWhenAnyElementMatches() {
		ClaimCondition group = condition("groups", "admins");
		assertThat(holds(group, "{\"groups\":[\"users\",\"admins\"]}")).isTrue();
		assertThat(holds(group, "{\"groups\":[\"users\"]}")).isFalse();
		assertThat(holds(group, "{\"groups\":[]}")).isFalse();
		assertThat(holds(group, "{\"groups\":[[\"admins\"]]}")).as("one level only").isFalse();
		assertThat(holds(condition("groups", Map.of("matches", "adm.*")), "{\"groups\":[1,\"admins\"]}")).isTrue();
	}

	@Test
	void aHugeArrayMatchesNothing() {
		StringBuilder json = new StringBuilder("{\"groups\":[");
		for (int i = 0; i <= TokenClaims.MAX_ARRAY_ELEMENTS; i++) {
			json.append("\"g").append(i).append("\",");
		}
		json.append("\"admins\"]}");
		assertThat(holds(condition("groups", "admins"), json.toString())).isFalse();
		assertThat(holds(condition("groups", "g1"), json.toString())).isFalse();
	}

	@Test
	void deepNestingIsReadOnlyAlongTheConfiguredPath() {
		StringBuilder json = new StringBuilder();
		for (int i = 0; i < 200; i++) {
			json.append("{\"a\":");
		}
		json.append("\"x\"");
		json.append("}".repeat(200));
		ClaimCondition shallow = condition("a.a.a", "x");
		assertThat(holds(shallow, json.toString())).isFalse();
		List<String> problems = new ArrayList<>();
		ClaimConditionParser.parse("claims", Map.of("a.a.a.a.a.a.a.a.a", "x"), Set.of(), problems);
		assertThat(problems).singleElement().asString().contains("at most 8 segments");
	}

	@Test
	void nonStringValuesCompareByTheirJsonTextAndObjectsNullsAndFractionsNeverMatch() {
		assertThat(holds(condition("level", "3"), "{\"level\":3}")).isTrue();
		assertThat(holds(condition("level", "3"), "{\"level\":3.0}")).isFalse();
		assertThat(holds(condition("level", "3"), "{\"level\":\"3\"}")).isTrue();
		assertThat(holds(condition("admin", "true"), "{\"admin\":true}")).isTrue();
		assertThat(holds(condition("admin", "true"), "{\"admin\":\"TRUE\"}")).isFalse();
		assertThat(holds(condition("plan", "null"), "{\"plan\":null}")).isFalse();
		assertThat(holds(condition("plan", Map.of("matches", ".*")), "{\"plan\":{\"name\":\"gold\"}}")).isFalse();
		assertThat(holds(condition("plan", Map.of("matches", ".*")), "{\"plan\":1e400}")).isFalse();
	}

	@Test
	void theRefusalNamesTheClaimButNeverAValue() {
		ClaimCondition tenant = condition("tenant", List.of("acme-secret-tenant"));
		assertThat(tenant.reason()).isEqualTo("claim 'tenant' does not satisfy the route's condition")
			.doesNotContain("acme");
	}

}
