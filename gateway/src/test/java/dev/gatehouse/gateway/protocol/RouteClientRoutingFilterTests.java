package dev.gatehouse.gateway.protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.ResolvableType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each route's backend client carries its timeouts and is made once per route version;
 * Spring Cloud Gateway's own response timeout never applies.
 */
class RouteClientRoutingFilterTests {

	private final HttpClient base = HttpClient.create();

	private final HttpClientProperties properties = new HttpClientProperties();

	private final RouteClientRoutingFilter filter;

	/** Connections complete in its backlog; nothing is ever read or written. */
	private final ServerSocket silentBackend;

	RouteClientRoutingFilterTests() throws IOException {
		this.silentBackend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.properties.setConnectTimeout(2000);
		this.properties.setResponseTimeout(Duration.ofSeconds(10));
		ObjectProvider<List<HttpHeadersFilter>> headersFilters = new StaticListableBeanFactory()
			.getBeanProvider(ResolvableType.forClassWithGenerics(List.class, HttpHeadersFilter.class));
		this.filter = new RouteClientRoutingFilter(this.base, headersFilters, this.properties,
				new RouteProtocolSettings(DataSize.ofMegabytes(10)));
	}

	@Test
	void aRouteWithoutTimeoutsOfItsOwnGetsTheGlobalOnes() {
		this.properties.setResponseTimeout(Duration.ofMillis(100));
		Route route = route("r", Map.of());

		assertThat(client(route).configuration().options().get(ChannelOption.CONNECT_TIMEOUT_MILLIS)).isEqualTo(2000);
		StepVerifier.create(callWithSilentBackend(route))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(TimeoutException.class)
				.hasMessage("Response took longer than timeout: PT0.1S"))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aRoutesOwnTimeoutsWin() {
		Route route = route("r", Map.of("response-timeout", "100", "connect-timeout", 150));

		assertThat(client(route).configuration().options().get(ChannelOption.CONNECT_TIMEOUT_MILLIS)).isEqualTo(150);
		StepVerifier.create(callWithSilentBackend(route))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aStreamingRouteOrANegativeTimeoutHasNoResponseTimeout() {
		this.properties.setResponseTimeout(Duration.ofMillis(50));
		for (Route route : List.of(route("s", Map.of("streaming", true)), route("n", Map.of("response-timeout", -1)))) {
			StepVerifier.create(callWithSilentBackend(route))
				.expectSubscription()
				.expectNoEvent(Duration.ofMillis(300))
				.thenCancel()
				.verify();
		}
	}

	@Test
	void noGlobalResponseTimeoutMeansNone() {
		this.properties.setResponseTimeout(null);

		StepVerifier.create(callWithSilentBackend(route("r", Map.of())))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(300))
			.thenCancel()
			.verify();
	}

	@Test
	void springCloudGatewaySeesNoResponseTimeoutOfItsOwn() {
		Route own = route("own", Map.of("response-timeout", 300));
		ServerWebExchange exchange = exchange(own);

		this.filter.filter(exchange, (ignored) -> Mono.empty()).block();

		// Spring Cloud Gateway reads the timeout from the route it is given: a negative
		// one
		// is none, and the global value it was handed is empty
		Route forwarded = exchange.getRequiredAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		assertThat(forwarded).isNotSameAs(own);
		assertThat(forwarded.getMetadata()).containsEntry("response-timeout", -1L);
		assertThat(forwarded.getId()).isEqualTo("own");
		assertThat(forwarded.getUri()).isEqualTo(own.getUri());
		// the copy is called as the route says
		assertThat(client(forwarded)).isSameAs(client(own));
		Route plain = route("plain", Map.of());
		ServerWebExchange plainExchange = exchange(plain);
		this.filter.filter(plainExchange, (ignored) -> Mono.empty()).block();
		assertThat((Route) plainExchange.getRequiredAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR))
			.isSameAs(plain);
	}

	@Test
	void eachRouteVersionIsConfiguredOnce() {
		Route route = route("r", Map.of("response-timeout", 300));
		HttpClient first = client(route);

		assertThat(client(route)).isSameAs(first);
		Route reloaded = route("r", Map.of("response-timeout", 500));
		HttpClient afterReload = client(reloaded);
		assertThat(afterReload).isNotSameAs(first);
		assertThat(client(reloaded)).isSameAs(afterReload);
		this.filter.onApplicationEvent(new RefreshRoutesEvent(this));
		assertThat(client(reloaded)).isNotSameAs(afterReload);
	}

	@Test
	void onlyCallsToAnHttpBackendAreTimed() {
		this.properties.setResponseTimeout(Duration.ofMillis(50));
		// a forward: or lb: route is Spring Cloud Gateway's other filters' business
		StepVerifier.create(this.filter.filter(exchange(route("r", Map.of())), (ignored) -> Mono.never()))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(300))
			.thenCancel()
			.verify();
	}

	/** The call of a route whose backend accepts the connection and never answers. */
	private Mono<Void> callWithSilentBackend(Route route) {
		ServerWebExchange exchange = exchange(route);
		exchange.getAttributes()
			.put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR,
					URI.create("http://127.0.0.1:" + this.silentBackend.getLocalPort() + "/x"));
		return this.filter.filter(exchange, (ignored) -> Mono.empty());
	}

	@AfterEach
	void closeBackend() throws IOException {
		this.silentBackend.close();
	}

	private HttpClient client(Route route) {
		return this.filter.getHttpClient(route, exchange(route));
	}

	private static ServerWebExchange exchange(Route route) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/x"));
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
		// not http(s): Spring Cloud Gateway's routing passes it on without calling out
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, URI.create("test://backend/x"));
		return exchange;
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
