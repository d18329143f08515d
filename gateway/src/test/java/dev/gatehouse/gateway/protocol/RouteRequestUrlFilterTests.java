package dev.gatehouse.gateway.protocol;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RouteRequestUrlFilterTests {

	private static final List<String> ROUTE_URIS = List.of("http://backend:9000", "https://backend",
			"HTTP://Backend:9000", "http://backend:9000/base/path", "http://[::1]:9000", "http://127.0.0.1",
			"ws://backend:9000", "wss://backend", "lb://service", "lb:ws://service", "forward:/local",
			"no-op://anything", "http://user@backend:9000");

	private static final List<String> REQUEST_URIS = List.of("http://gateway:8080/api/items",
			"http://gateway:8080/api/items?x=1&y=2", "http://gateway/", "http://gateway:8080/api/items?",
			"http://gateway:8080/api/caf%C3%A9", "http://gateway:8080/api/a%20b?q=%2541",
			"http://gateway:8080/api/x?q=%41%42", "http://gateway:8080/api/x?q=a+b/c?d=e&f",
			"http://gateway:8080/api/it:ems@x/~y", "https://[::1]:8443/api/items?q=1",
			"http://gateway:8080/api/items#top", "http://someone@gateway:8080/api/items",
			"http://gateway:8080/api/\u00e9?q=\u00e9", "http://gateway:8080?q=1");

	private final RouteToRequestUrlFilter stock = new RouteToRequestUrlFilter();

	private final RouteRequestUrlFilter filter = new RouteRequestUrlFilter();

	@Test
	void buildsTheBackendUrlSpringCloudGatewayBuildsForEveryRouteAndRequest() {
		for (String routeUri : ROUTE_URIS) {
			Route route = route("r", routeUri);
			for (String requestUri : REQUEST_URIS) {
				ServerWebExchange expected = exchange(route, requestUri);
				ServerWebExchange actual = exchange(route, requestUri);
				String stockError = run(this.stock, expected);
				String ownError = run(this.filter, actual);
				String what = routeUri + " + " + requestUri;
				assertThat(ownError).as(what).isEqualTo(stockError);
				if (stockError != null) {
					continue;
				}
				URI url = actual.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
				assertThat(url).as(what)
					.isEqualTo(expected.<URI>getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR));
				assertThat(url.toASCIIString()).as(what)
					.isEqualTo(expected.<URI>getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR)
						.toASCIIString());
				assertThat(actual.<String>getAttribute(ServerWebExchangeUtils.GATEWAY_SCHEME_PREFIX_ATTR)).as(what)
					.isEqualTo(expected.getAttribute(ServerWebExchangeUtils.GATEWAY_SCHEME_PREFIX_ATTR));
			}
		}
	}

	@Test
	void joinsThePlainRequestToTheRoutesSchemeHostAndPort() {
		ServerWebExchange exchange = exchange(route("r", "http://backend:9000/ignored"),
				"http://gateway:8080/api/items?x=1");
		run(this.filter, exchange);
		assertThat(exchange.<URI>getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR))
			.hasToString("http://backend:9000/api/items?x=1");
	}

	@Test
	void followsTheRouteToItsNewUriAfterARefresh() {
		run(this.filter, exchange(route("r", "http://old:1"), "http://gateway/api"));
		ServerWebExchange exchange = exchange(route("r", "http://new:2"), "http://gateway/api");
		run(this.filter, exchange);
		assertThat(exchange.<URI>getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR))
			.hasToString("http://new:2/api");
	}

	@Test
	void aRefreshForgetsEveryRoutesPart() {
		run(this.filter, exchange(route("gone", "http://old:1"), "http://gateway/api"));
		assertThat(this.filter.routesHeld()).isEqualTo(1);
		this.filter.onApplicationEvent(new RefreshRoutesEvent(this));
		assertThat(this.filter.routesHeld()).isZero();
	}

	@Test
	void leavesARequestWithoutRouteAlone() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.method(HttpMethod.GET, URI.create("http://gateway/api")));
		run(this.filter, exchange);
		assertThat(exchange.<URI>getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR)).isNull();
	}

	@Test
	void refusesALoadBalancedRouteWithoutHostAsSpringCloudGatewayDoes() {
		ServerWebExchange exchange = exchange(route("r", "lb://bad_host"), "http://gateway/api");
		assertThatIllegalStateException().isThrownBy(() -> this.filter.filter(exchange, (ex) -> Mono.empty()))
			.withMessageContaining("Invalid host");
	}

	@Test
	void onlyARequestUriWithoutEncodingUserInfoOrFragmentIsJoinedAsText() {
		assertThat(RouteRequestUrlFilter.plain(URI.create("http://gateway/api/items?x=1"))).isTrue();
		assertThat(RouteRequestUrlFilter.plain(URI.create("http://gateway/api/a%20b"))).isFalse();
		assertThat(RouteRequestUrlFilter.plain(URI.create("http://gateway/api?q=%41"))).isFalse();
		assertThat(RouteRequestUrlFilter.plain(URI.create("http://someone@gateway/api"))).isFalse();
		assertThat(RouteRequestUrlFilter.plain(URI.create("http://gateway/api#top"))).isFalse();
	}

	/** Runs the filter; what it threw (type and message), or {@code null}. */
	private static String run(RouteToRequestUrlFilter filter, ServerWebExchange exchange) {
		try {
			filter.filter(exchange, (ex) -> Mono.empty()).block();
			return null;
		}
		catch (RuntimeException ex) {
			return ex.getClass().getName() + ": " + ex.getMessage();
		}
	}

	private static ServerWebExchange exchange(Route route, String requestUri) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.method(HttpMethod.GET, URI.create(requestUri)));
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		return exchange;
	}

	private static Route route(String id, String uri) {
		return Route.async().id(id).uri(URI.create(uri)).predicate((exchange) -> true).build();
	}

}
