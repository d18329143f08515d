package dev.gatehouse.gateway.policy;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.route.Route;

import static org.assertj.core.api.Assertions.assertThat;

class RoutePoliciesTests {

	private final RoutePolicies policies = new RoutePolicies(List.of());

	@Test
	void aRouteIsParsedOnceAndItsPolicyServedFromThenOn() {
		Route route = route("items", Map.of("roles", List.of("user")));
		RoutePolicy first = this.policies.policyFor(route);
		assertThat(first.roles()).containsExactly("user");
		assertThat(this.policies.policyFor(route)).isSameAs(first);
	}

	@Test
	void aRefreshedRouteWithTheSameIdGetsItsNewPolicy() {
		this.policies.policyFor(route("items", Map.of("roles", List.of("user"))));
		RoutePolicy refreshed = this.policies.policyFor(route("items", Map.of("auth", "public")));
		assertThat(refreshed.publicAccess()).isTrue();
		assertThat(refreshed.roles()).isEmpty();
	}

	private static Route route(String id, Map<String, Object> metadata) {
		return Route.async()
			.id(id)
			.uri(URI.create("http://backend"))
			.predicate((exchange) -> true)
			.metadata(metadata)
			.build();
	}

}
