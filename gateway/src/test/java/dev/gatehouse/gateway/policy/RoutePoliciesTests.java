package dev.gatehouse.gateway.policy;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;

import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;

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

	@Test
	void aRouteRemovedByARefreshIsForgotten() {
		this.policies.policyFor(route("gone", Map.of("roles", List.of("user"))));
		Route kept = route("kept", Map.of());
		this.policies.policyFor(kept);
		RouteLocator afterReload = () -> Flux.just(kept);
		this.policies.onApplicationEvent(new RefreshRoutesResultEvent(afterReload));
		assertThat(this.policies.cachedRouteIds()).containsExactly("kept");
	}

	@Test
	void aFailedRefreshForgetsNothing() {
		this.policies.policyFor(route("items", Map.of()));
		RouteLocator empty = Flux::empty;
		this.policies.onApplicationEvent(new RefreshRoutesResultEvent(empty, new IllegalStateException("bad route")));
		assertThat(this.policies.cachedRouteIds()).containsExactly("items");
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
