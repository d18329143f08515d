package dev.gatehouse.gateway.tracing;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GatewayMetricsFilter;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayHttpTagsProvider;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayRouteTagsProvider;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayTagsProvider;
import org.springframework.cloud.gateway.support.tagsprovider.PropertiesTagsProvider;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routed-request timer records what Spring Cloud Gateway's own filter records (name,
 * tags, one sample per request, ended at the response's commit), from timers made once.
 */
class RoutedRequestTimerTests {

	private static final Route ROUTE = Route.async()
		.id("orders")
		.uri("http://orders.internal:8080")
		.predicate((exchange) -> true)
		.build();

	private static final List<GatewayTagsProvider> STANDARD = List.of(new GatewayHttpTagsProvider(),
			new GatewayRouteTagsProvider(), new PropertiesTagsProvider(Map.of("region", "eu-1")));

	@Test
	void recordsTheSameTimersAsSpringCloudGatewaysFilter() {
		SimpleMeterRegistry ours = new SimpleMeterRegistry();
		SimpleMeterRegistry theirs = new SimpleMeterRegistry();
		GlobalFilter timer = new RoutedRequestTimer(ours, "spring.cloud.gateway", STANDARD);
		GlobalFilter stock = new GatewayMetricsFilter(theirs, STANDARD, "spring.cloud.gateway");

		for (Integer status : new Integer[] { 200, 200, 404, 502, 499, null }) {
			for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST)) {
				run(timer, exchange(method, ROUTE), status, false);
				run(stock, exchange(method, ROUTE), status, false);
			}
		}
		run(timer, exchange(HttpMethod.GET, null), 200, false);
		run(stock, exchange(HttpMethod.GET, null), 200, false);

		assertThat(counts(ours)).isEqualTo(counts(theirs)).hasSize(11);
		assertThat(ours.get("spring.cloud.gateway.requests")
			.tags("routeId", "orders", "routeUri", "http://orders.internal:8080", "outcome", "SERVER_ERROR", "status",
					"BAD_GATEWAY", "httpStatusCode", "502", "httpMethod", "GET", "region", "eu-1")
			.timer()
			.count()).isOne();
	}

	@Test
	void aFailedChainIsTimedWhenItsErrorResponseIsCommitted() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		RoutedRequestTimer timer = new RoutedRequestTimer(meters, "spring.cloud.gateway", STANDARD);
		ServerWebExchange exchange = exchange(HttpMethod.GET, ROUTE);

		timer.filter(exchange, (ex) -> Mono.error(new IllegalStateException("backend gone"))).onErrorComplete().block();
		assertThat(meters.find("spring.cloud.gateway.requests").timers()).isEmpty();
		exchange.getResponse().setStatusCode(HttpStatusCode.valueOf(504));
		exchange.getResponse().setComplete().block();

		assertThat(meters.get("spring.cloud.gateway.requests").tag("httpStatusCode", "504").timer().count()).isOne();
	}

	@Test
	void aResponseAlreadyCommittedIsTimedAtOnce() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		RoutedRequestTimer timer = new RoutedRequestTimer(meters, "spring.cloud.gateway.", STANDARD);

		run(timer, exchange(HttpMethod.GET, ROUTE), 200, true);

		assertThat(meters.get("spring.cloud.gateway.requests").tag("status", "OK").timer().count()).isOne();
	}

	@Test
	void aTimerIsMadeOncePerRouteStatusAndMethod() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		RoutedRequestTimer timer = new RoutedRequestTimer(meters, "spring.cloud.gateway", STANDARD);
		ServerWebExchange first = exchange(HttpMethod.GET, ROUTE);
		ServerWebExchange second = exchange(HttpMethod.GET, ROUTE);
		first.getResponse().setStatusCode(HttpStatusCode.valueOf(200));
		second.getResponse().setStatusCode(HttpStatusCode.valueOf(200));

		Timer once = timer.timer(first);

		assertThat(timer.timer(second)).isSameAs(once);
	}

	@Test
	void otherTagProvidersAreAskedOnEveryRequest() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		GatewayTagsProvider tenant = (exchange) -> Tags.of("tenant",
				exchange.getRequest().getHeaders().getFirst("X-Tenant"));
		List<GatewayTagsProvider> providers = List.of(new GatewayHttpTagsProvider(), new GatewayRouteTagsProvider(),
				tenant);
		RoutedRequestTimer timer = new RoutedRequestTimer(meters, "spring.cloud.gateway", providers);

		for (String name : List.of("a", "b", "a")) {
			MockServerWebExchange exchange = MockServerWebExchange
				.from(MockServerHttpRequest.get("/orders").header("X-Tenant", name));
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, ROUTE);
			run(timer, exchange, 200, false);
		}

		assertThat(meters.get("spring.cloud.gateway.requests").tag("tenant", "a").timer().count()).isEqualTo(2);
		assertThat(meters.get("spring.cloud.gateway.requests").tag("tenant", "b").timer().count()).isOne();
	}

	@Test
	void aSubclassOfAStandardProviderIsAskedOnEveryRequestToo() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		GatewayTagsProvider withPath = new GatewayHttpTagsProvider() {
			@Override
			public Tags apply(ServerWebExchange exchange) {
				return super.apply(exchange).and("path", exchange.getRequest().getPath().value());
			}
		};
		RoutedRequestTimer timer = new RoutedRequestTimer(meters, "spring.cloud.gateway",
				List.of(withPath, new GatewayRouteTagsProvider()));

		for (String path : List.of("/a", "/b")) {
			MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, ROUTE);
			run(timer, exchange, 200, false);
		}

		assertThat(meters.get("spring.cloud.gateway.requests").tag("path", "/a").timer().count()).isOne();
		assertThat(meters.get("spring.cloud.gateway.requests").tag("path", "/b").timer().count()).isOne();
	}

	private static ServerWebExchange exchange(HttpMethod method, Route route) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(method, "/orders/1"));
		if (route != null) {
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		}
		return exchange;
	}

	/**
	 * Runs the filter as the gateway would: the status set, then the response written.
	 */
	private static void run(GlobalFilter filter, ServerWebExchange exchange, Integer status, boolean commitFirst) {
		GatewayFilterChain chain = (ex) -> {
			if (status != null) {
				ex.getResponse().setStatusCode(HttpStatusCode.valueOf(status));
			}
			return commitFirst ? ex.getResponse().setComplete() : Mono.empty();
		};
		filter.filter(exchange, chain).block();
		exchange.getResponse().setComplete().block();
	}

	private static Set<String> counts(MeterRegistry meters) {
		return meters.getMeters()
			.stream()
			.map((meter) -> meter.getId().getName() + meter.getId().getTags() + "=" + ((Timer) meter).count())
			.collect(Collectors.toSet());
	}

}
