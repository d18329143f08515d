package dev.gatehouse.gateway.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimConditionParserTests {

	private static List<String> problems(Object claims, Set<String> uriVariables) {
		List<String> problems = new ArrayList<>();
		ClaimConditionParser.parse("claims", claims, uriVariables, problems);
		return problems;
	}

	@Test
	void readsTheContractExample() {
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("tenant", "{tenant}");
		claims.put("plan", List.of("gold", "silver"));
		claims.put("email", Map.of("matches", ".*@example\\.com"));
		claims.put("org.id", "acme");
		List<String> problems = new ArrayList<>();
		List<ClaimCondition> conditions = ClaimConditionParser.parse("claims", claims, Set.of("tenant"), problems);
		assertThat(problems).isEmpty();
		assertThat(conditions).extracting(ClaimCondition::operator)
			.containsExactly(ClaimCondition.Operator.URI_VARIABLE, ClaimCondition.Operator.ONE_OF,
					ClaimCondition.Operator.MATCHES, ClaimCondition.Operator.EQUALS);
		assertThat(conditions).extracting((c) -> c.claim().toString())
			.containsExactly("tenant", "plan", "email", "org.id");
	}

	@Test
	void refusesUnknownAndMisspeltOperatorsNamingTheKey() {
		assertThat(problems(Map.of("email", Map.of("match", ".*")), null)).singleElement()
			.asString()
			.startsWith("claims.email.match: unknown operator; operators are equals, matches, one-of");
		assertThat(problems(Map.of("email", Map.of("regex", ".*")), null)).singleElement()
			.asString()
			.startsWith("claims.email.regex: unknown operator");
		assertThat(problems(Map.of("email", Map.of("matches", ".*", "equals", "x")), null)).singleElement()
			.asString()
			.startsWith("claims.email: one operator per claim");
	}

	@Test
	void refusesAUriVariableThePathPredicateDoesNotDefine() {
		assertThat(problems(Map.of("tenant", "{tenant}"), Set.of("org"))).singleElement()
			.asString()
			.isEqualTo("claims.tenant: the route's Path predicate defines no URI variable {tenant} (it defines [org])");
		assertThat(problems(Map.of("tenant", "{tenant}"), null)).as("unknown at request time: not checked").isEmpty();
	}

	@Test
	void refusesABadRegularExpression() {
		assertThat(problems(Map.of("email", Map.of("matches", "([a-z")), null)).singleElement()
			.asString()
			.startsWith("claims.email.matches: not a regular expression");
	}

	@Test
	void reportsEveryProblemNotOnlyTheFirst() {
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("plan", List.of());
		claims.put("email", Map.of("matches", "("));
		claims.put("tenant", "{nope}");
		claims.put("bad name", "x");
		claims.put("level", "line\nbreak");
		assertThat(problems(claims, Set.of())).hasSize(5)
			.anySatisfy((p) -> assertThat(p).startsWith("claims.plan:"))
			.anySatisfy((p) -> assertThat(p).startsWith("claims.email.matches:"))
			.anySatisfy((p) -> assertThat(p).startsWith("claims.tenant:"))
			.anySatisfy((p) -> assertThat(p).startsWith("claims.bad name:"))
			.anySatisfy((p) -> assertThat(p).startsWith("claims.level:"));
	}

	@Test
	void refusesAnythingButANonEmptyMap() {
		assertThat(problems(List.of("plan"), null)).singleElement().asString().startsWith("claims: must be");
		assertThat(problems(Map.of(), null)).singleElement().asString().startsWith("claims: must be");
		assertThat(problems("plan", null)).singleElement().asString().startsWith("claims: must be");
	}

}
