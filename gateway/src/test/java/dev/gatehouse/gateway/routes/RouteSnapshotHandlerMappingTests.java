package dev.gatehouse.gateway.routes;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.AsyncPredicate;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.CachingRouteLocator;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpMethod;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route lookup over the snapshot taken after each refresh: same order, same
 * predicates (answered at once or later), same errors as Spring Cloud Gateway's own, and
 * a refresh is seen by the next request.
 */
class RouteSnapshotHandlerMappingTests {

	private volatile List<Route> configured = List.of();

	private final CountingRouteLocator locator = new CountingRouteLocator(this);

	private final FilteringWebHandler webHandler = new FilteringWebHandler(List.of(), true);

	private final RouteSnapshotHandlerMapping mapping = new RouteSnapshotHandlerMapping(this.webHandler, this.locator,
			new GlobalCorsProperties(), new MockEnvironment());

	RouteSnapshotHandlerMappingTests() {
		this.locator.setApplicationEventPublisher((event) -> {
			if (event instanceof RefreshRoutesResultEvent result) {
				this.mapping.onApplicationEvent(result);
			}
		});
	}

	@Test
	void firstMatchingRouteInOrderIsChosen() {
		refresh(route("a", path("/a")), route("any-1", (exchange) -> true), route("any-2", (exchange) -> true));

		assertThat(matchedRoute("/a")).isEqualTo("a");
		assertThat(matchedRoute("/b")).isEqualTo("any-1");
	}

	@Test
	void afterRefreshRequestsAreMatchedWithoutStreamingTheRoutesAgain() {
		refresh(route("a", path("/a")));
		int subscriptionsAfterRefresh = this.locator.getRoutesCalls.get();

		for (int i = 0; i < 3; i++) {
			assertThat(matchedRoute("/a")).isEqualTo("a");
		}

		assertThat(this.locator.getRoutesCalls.get()).isEqualTo(subscriptionsAfterRefresh);
	}

	@Test
	void beforeTheFirstRefreshTheStockLookupAnswers() {
		this.configured = List.of(route("a", path("/a")));

		assertThat(matchedRoute("/a")).isEqualTo("a");
		assertThat(this.locator.getRoutesCalls.get()).isPositive();
	}

	@Test
	void aReloadIsSeenByTheNextRequest() {
		refresh(route("old", path("/x")));
		assertThat(matchedRoute("/x")).isEqualTo("old");

		refresh(route("new", path("/x")));

		assertThat(matchedRoute("/x")).isEqualTo("new");
	}

	@Test
	void aFailedRefreshKeepsTheLastGoodRoutes() {
		refresh(route("good", path("/x")));

		this.mapping.onApplicationEvent(new RefreshRoutesResultEvent(this.locator, new IllegalStateException("bad")));

		assertThat(matchedRoute("/x")).isEqualTo("good");
	}

	@Test
	void noMatchingRouteMeansNoHandler() {
		refresh(route("a", path("/a")));

		ServerWebExchange exchange = exchange("/nowhere");
		StepVerifier.create(this.mapping.getHandler(exchange)).verifyComplete();
		assertThat(exchange.getAttributes()).doesNotContainKey(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR)
			.doesNotContainKey(ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR);
	}

	@Test
	void aPredicateAnsweringLaterIsWaitedForAndANoFallsThroughToTheNextRoute() {
		refresh(asyncRoute("later-no", (exchange) -> Mono.just(false).delayElement(Duration.ofMillis(10))),
				asyncRoute("later-empty", (exchange) -> Mono.<Boolean>empty().delaySubscription(Duration.ofMillis(10))),
				asyncRoute("later-yes", (exchange) -> Mono.just(true).delayElement(Duration.ofMillis(10))),
				route("sync", (exchange) -> true));

		assertThat(matchedRoute("/any")).isEqualTo("later-yes");
	}

	@Test
	void combinedPredicatesAreSubscribedToAndANoFallsThroughToTheNextRoute() {
		AsyncPredicate<ServerWebExchange> pathA = AsyncPredicate.from(path("/a"));
		AsyncPredicate<ServerWebExchange> isPost = AsyncPredicate
			.from((exchange) -> exchange.getRequest().getMethod() == HttpMethod.POST);
		refresh(asyncRoute("post-a", pathA.and(isPost)),
				asyncRoute("a-or-b", pathA.or(AsyncPredicate.from(path("/b")))), asyncRoute("not-a", pathA.negate()));

		assertThat(matchedRoute("/a")).isEqualTo("a-or-b");
		assertThat(matchedRoute("/c")).isEqualTo("not-a");
		ServerWebExchange post = MockServerWebExchange.from(MockServerHttpRequest.post("/a"));
		StepVerifier.create(this.mapping.getHandler(post)).expectNext(this.webHandler).verifyComplete();
		assertThat(post.<Route>getRequiredAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR).getId())
			.isEqualTo("post-a");
	}

	@Test
	void aPredicateThatThrowsDoesNotMatch() {
		refresh(route("broken", (exchange) -> {
			throw new IllegalStateException("broken predicate");
		}), route("next", (exchange) -> true));

		assertThat(matchedRoute("/any")).isEqualTo("next");
	}

	@Test
	void aPredicateErrorEndsTheLookupWithThatError() {
		IllegalStateException failure = new IllegalStateException("predicate failed");
		refresh(asyncRoute("now", (exchange) -> Mono.error(failure)), route("next", (exchange) -> true));
		StepVerifier.create(this.mapping.getHandler(exchange("/any"))).verifyErrorMatches((ex) -> ex == failure);

		refresh(asyncRoute("later", (exchange) -> Mono.<Boolean>error(failure).delaySubscription(Duration.ofMillis(5))),
				route("next", (exchange) -> true));
		StepVerifier.create(this.mapping.getHandler(exchange("/any"))).verifyErrorMatches((ex) -> ex == failure);
	}

	@Test
	void eachTriedRouteIsNamedToThePredicates() {
		AtomicInteger seen = new AtomicInteger();
		refresh(route("first", (exchange) -> {
			assertThat(exchange.<String>getAttribute(ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR))
				.isEqualTo("first");
			seen.incrementAndGet();
			return false;
		}), route("second", (exchange) -> {
			assertThat(exchange.<String>getAttribute(ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR))
				.isEqualTo("second");
			seen.incrementAndGet();
			return true;
		}));

		assertThat(matchedRoute("/any")).isEqualTo("second");
		assertThat(seen).hasValue(2);
	}

	private void refresh(Route... routes) {
		this.configured = List.of(routes);
		this.locator.onApplicationEvent(new RefreshRoutesEvent(this));
	}

	private String matchedRoute(String path) {
		ServerWebExchange exchange = exchange(path);
		StepVerifier.create(this.mapping.getHandler(exchange)).expectNext(this.webHandler).verifyComplete();
		Route route = exchange.getRequiredAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		return route.getId();
	}

	private static ServerWebExchange exchange(String path) {
		return MockServerWebExchange.from(MockServerHttpRequest.get(path));
	}

	private static Predicate<ServerWebExchange> path(String path) {
		return (exchange) -> exchange.getRequest().getPath().value().equals(path);
	}

	private static Route route(String id, Predicate<ServerWebExchange> predicate) {
		return Route.async().id(id).uri("http://backend.test").predicate(predicate).build();
	}

	private static Route asyncRoute(String id, AsyncPredicate<ServerWebExchange> predicate) {
		return Route.async().id(id).uri("http://backend.test").asyncPredicate(predicate).build();
	}

	/** Spring Cloud Gateway's caching locator, counting how often its routes are read. */
	private static final class CountingRouteLocator extends CachingRouteLocator {

		private final AtomicInteger getRoutesCalls = new AtomicInteger();

		CountingRouteLocator(RouteSnapshotHandlerMappingTests test) {
			super(() -> Flux.defer(() -> Flux.fromIterable(test.configured)));
		}

		@Override
		public Flux<Route> getRoutes() {
			return super.getRoutes().doOnSubscribe((subscription) -> this.getRoutesCalls.incrementAndGet());
		}

	}

}
