package dev.gatehouse.gateway.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each route's filters, sorted with the global ones, are made once per route instance and
 * found again without hashing the route.
 */
class RouteFiltersWebHandlerTests {

	private final List<String> ran = new ArrayList<>();

	private final GlobalFilter global = new OrderedGlobalFilter("global", 5, this.ran);

	@Test
	void filtersRunSortedWithTheGlobalOnes() {
		RouteFiltersWebHandler handler = new RouteFiltersWebHandler(List.of(this.global), true);
		Route route = route("r", new HashCounter());

		handle(handler, route);

		assertThat(this.ran).containsExactly("route-first", "global", "route-last");
	}

	@Test
	void aRouteIsNeitherHashedNorSortedAgainOnLaterRequests() {
		RouteFiltersWebHandler handler = new RouteFiltersWebHandler(List.of(this.global), true);
		HashCounter hashes = new HashCounter();
		Route route = route("r", hashes);

		List<?> first = handler.getCombinedFilters(route);
		for (int i = 0; i < 3; i++) {
			assertThat(handler.getCombinedFilters(route)).isSameAs(first);
		}

		assertThat(hashes.calls).hasValue(0);
	}

	@Test
	void aReloadedRouteWithTheSameIdGetsItsOwnFilters() {
		RouteFiltersWebHandler handler = new RouteFiltersWebHandler(List.of(this.global), true);
		Route before = route("r", new HashCounter());
		List<?> old = handler.getCombinedFilters(before);

		Route after = route("r", new HashCounter());

		assertThat(handler.getCombinedFilters(after)).isNotSameAs(old).hasSameSizeAs(old);
		handler.onApplicationEvent(new RefreshRoutesEvent(this));
		assertThat(handler.getCombinedFilters(after)).isNotSameAs(old);
	}

	@Test
	void withTheCacheOffEveryRequestSortsAnew() {
		RouteFiltersWebHandler handler = new RouteFiltersWebHandler(List.of(this.global), false);
		Route route = route("r", new HashCounter());

		assertThat(handler.getCombinedFilters(route)).isNotSameAs(handler.getCombinedFilters(route));
	}

	private void handle(RouteFiltersWebHandler handler, Route route) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/r"));
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		handler.handle(exchange).block();
	}

	private Route route(String id, HashCounter metadataValue) {
		return Route.async()
			.id(id)
			.uri("http://backend.test")
			.predicate((exchange) -> true)
			.metadata("counted", metadataValue)
			.filter(new OrderedGatewayFilter((exchange, chain) -> {
				this.ran.add("route-last");
				return chain.filter(exchange);
			}, 10))
			.filter(new OrderedGatewayFilter((exchange, chain) -> {
				this.ran.add("route-first");
				return chain.filter(exchange);
			}, 1))
			.build();
	}

	/** Counts how often it is hashed (as part of its route's metadata). */
	private static final class HashCounter {

		private final AtomicInteger calls = new AtomicInteger();

		@Override
		public int hashCode() {
			this.calls.incrementAndGet();
			return 42;
		}

		@Override
		public boolean equals(Object other) {
			return other == this;
		}

	}

	private record OrderedGlobalFilter(String name, int order, List<String> ran) implements GlobalFilter, Ordered {

		@Override
		public Mono<Void> filter(org.springframework.web.server.ServerWebExchange exchange,
				org.springframework.cloud.gateway.filter.GatewayFilterChain chain) {
			this.ran.add(this.name);
			return chain.filter(exchange);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

}
