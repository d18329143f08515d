package dev.gatehouse.gateway.protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
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

	/**
	 * A connection per call, never pooled: {@link #release} closes the connection from
	 * the test's thread, and a pooled one could be handed to the next call before that
	 * close runs on its event loop (the next call then fails "prematurely closed").
	 */
	private final HttpClient base = HttpClient.newConnection();

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

	@Test
	void theForwardedHeadersReachTheBackendWithEveryValueAndTheBackendsHost() {
		try (RecordingBackend backend = new RecordingBackend()) {
			MockServerWebExchange exchange = exchange(route("r", Map.of()),
					MockServerHttpRequest.get("/x")
						.header("Host", "gateway.example")
						.header("User-Agent", "client/1")
						.header("X-Multi", "1", "2")
						.header("X-Dropped", "by a filter"));
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, backend.url("/x?q=1"));

			routing(requestFilter()).filter(exchange, (ignored) -> Mono.empty()).block(Duration.ofSeconds(5));

			io.netty.handler.codec.http.HttpHeaders received = backend.lastHeaders.get();
			assertThat(received.getAll("X-Multi")).containsExactly("1", "2");
			assertThat(received.get("X-Added")).isEqualTo("by a filter");
			assertThat(received.contains("X-Dropped")).isFalse();
			assertThat(received.getAll("User-Agent")).containsExactly("client/1");
			assertThat(received.getAll("Host")).containsExactly("127.0.0.1:" + backend.port());
			assertThat(backend.lastUri.get()).isEqualTo("/x?q=1");
			assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
			release(exchange);
		}
	}

	@Test
	void aRouteThatPreservesTheHostSendsTheClientsHost() {
		try (RecordingBackend backend = new RecordingBackend()) {
			MockServerWebExchange exchange = exchange(route("r", Map.of()),
					MockServerHttpRequest.get("/x").header("Host", "gateway.example"));
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, backend.url("/x"));
			exchange.getAttributes().put(ServerWebExchangeUtils.PRESERVE_HOST_HEADER_ATTRIBUTE, true);

			this.filter.filter(exchange, (ignored) -> Mono.empty()).block(Duration.ofSeconds(5));

			assertThat(backend.lastHeaders.get().getAll("Host")).containsExactly("gateway.example");
			release(exchange);
		}
	}

	@Test
	void everyBackendUrlReachesTheBackendAsSpringCloudGatewaySendsIt() throws URISyntaxException {
		try (RecordingBackend backend = new RecordingBackend()) {
			Map<URI, String> sent = new LinkedHashMap<>();
			sent.put(backend.url("/plain/a.json?x=1&y=2"), "/plain/a.json?x=1&y=2");
			sent.put(backend.url("/enc%20oded/%2F?q=%C3%A9"), "/enc%20oded/%2F?q=%C3%A9");
			sent.put(backend.url("/fragment#part"), "/fragment");
			sent.put(backend.url(""), "/");
			sent.put(backend.url("?only=query"), "/?only=query");
			// not ASCII: sent as its ASCII form, as URI.toASCIIString() encodes it
			sent.put(new URI("http", null, "127.0.0.1", backend.port(), "/café", "q=é", null), "/caf%C3%A9?q=%C3%A9");
			for (Map.Entry<URI, String> url : sent.entrySet()) {
				MockServerWebExchange exchange = exchange(route("r", Map.of()), MockServerHttpRequest.get("/x"));
				exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, url.getKey());

				this.filter.filter(exchange, (ignored) -> Mono.empty()).block(Duration.ofSeconds(5));

				assertThat(backend.lastUri.get()).as(url.getKey().toString()).isEqualTo(url.getValue());
				release(exchange);
			}
		}
	}

	@Test
	void onlyAPlainUrlIsHandedOverParsed() {
		assertThat(RouteClientRoutingFilter.isPlain(URI.create("http://backend:8080/a/b?c=d"))).isTrue();
		assertThat(RouteClientRoutingFilter.isPlain(URI.create("https://[::1]/a%20b"))).isTrue();
		// the text form keeps what the parsed form would drop or refuse
		assertThat(RouteClientRoutingFilter.isPlain(URI.create("http://user:pw@backend/a"))).isFalse();
		assertThat(RouteClientRoutingFilter.isPlain(URI.create("http://my_backend:8080/a"))).isFalse();
		assertThat(RouteClientRoutingFilter.isPlain(URI.create("http://backend/a#b"))).isFalse();
		assertThat(RouteClientRoutingFilter.isPlain(URI.create("http://backend/caf\u00e9"))).isFalse();
		assertThat(RouteClientRoutingFilter.isPlain(URI.create("http://backend/a?q=\u00e9"))).isFalse();
	}

	@Test
	void theBackendsResponseIsHandedToTheResponseWriterAsSpringCloudGatewayHandsItOn() {
		try (RecordingBackend backend = new RecordingBackend()) {
			MockServerWebExchange exchange = exchange(route("r", Map.of()), MockServerHttpRequest.get("/x"));
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, backend.url("/status/599"));
			// Content-Length from the backend: a Transfer-Encoding already set goes
			exchange.getResponse().getHeaders().set(HttpHeaders.TRANSFER_ENCODING, "chunked");

			routing(responseFilter()).filter(exchange, (ignored) -> Mono.empty()).block(Duration.ofSeconds(5));

			assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(599);
			HttpHeaders headers = exchange.getResponse().getHeaders();
			assertThat(headers.get("X-Backend")).containsExactly("a", "b");
			assertThat(headers.getFirst("X-Response-Filter")).isEqualTo("599");
			assertThat(headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)).isFalse();
			assertThat(headers.getContentLength()).isEqualTo(2);
			assertThat((String) exchange.getAttribute(ServerWebExchangeUtils.ORIGINAL_RESPONSE_CONTENT_TYPE_ATTR))
				.isEqualTo("text/plain");
			Set<String> names = exchange.getRequiredAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES);
			assertThat(names).contains("X-Backend", "X-Response-Filter");
			assertThat((Object) exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR)).isNotNull();
			assertThat(ServerWebExchangeUtils.isAlreadyRouted(exchange)).isTrue();
			release(exchange);
		}
	}

	@Test
	void anExchangeAlreadyRoutedIsPassedOn() {
		MockServerWebExchange exchange = exchange(route("r", Map.of()), MockServerHttpRequest.get("/x"));
		exchange.getAttributes()
			.put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR,
					URI.create("http://127.0.0.1:" + this.silentBackend.getLocalPort() + "/x"));
		ServerWebExchangeUtils.setAlreadyRouted(exchange);
		AtomicBoolean passedOn = new AtomicBoolean();

		this.filter.filter(exchange, (ignored) -> Mono.fromRunnable(() -> passedOn.set(true)))
			.block(Duration.ofSeconds(5));

		assertThat(passedOn).isTrue();
		assertThat((Object) exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR)).isNull();
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
		return exchange(route, MockServerHttpRequest.get("/x"));
	}

	private static MockServerWebExchange exchange(Route route, MockServerHttpRequest.BaseBuilder<?> request) {
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
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

	private RouteClientRoutingFilter routing(HttpHeadersFilter headersFilter) {
		ObjectProvider<List<HttpHeadersFilter>> headersFilters = new ObjectProvider<>() {

			@Override
			public List<HttpHeadersFilter> getObject() {
				return List.of(headersFilter);
			}

			@Override
			public List<HttpHeadersFilter> getIfAvailable() {
				return getObject();
			}

		};
		return new RouteClientRoutingFilter(this.base, headersFilters, this.properties,
				new RouteProtocolSettings(DataSize.ofMegabytes(10)));
	}

	/** Adds a header and drops one, on requests. */
	private static HttpHeadersFilter requestFilter() {
		return new HttpHeadersFilter() {

			@Override
			public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
				HttpHeaders out = new HttpHeaders();
				out.addAll(input);
				out.remove("X-Dropped");
				out.set("X-Added", "by a filter");
				return out;
			}

		};
	}

	/** Adds the status it sees as a header, on responses. */
	private static HttpHeadersFilter responseFilter() {
		return new HttpHeadersFilter() {

			@Override
			public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
				input.set("X-Response-Filter", String.valueOf(exchange.getResponse().getStatusCode().value()));
				return input;
			}

			@Override
			public boolean supports(Type type) {
				return type == Type.RESPONSE;
			}

		};
	}

	/** Gives the backend connection back, body unread. */
	private static void release(ServerWebExchange exchange) {
		Connection connection = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
		if (connection != null) {
			connection.dispose();
		}
	}

	/**
	 * Answers {@code /status/<code>} with that status, {@code X-Backend: a, b} and a text
	 * body, everything else with 200; notes the last request's URI and headers.
	 */
	private static final class RecordingBackend implements AutoCloseable {

		final AtomicReference<io.netty.handler.codec.http.HttpHeaders> lastHeaders = new AtomicReference<>();

		final AtomicReference<String> lastUri = new AtomicReference<>();

		private final DisposableServer server;

		RecordingBackend() {
			this.server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
				this.lastHeaders.set(request.requestHeaders().copy());
				this.lastUri.set(request.uri());
				int status = request.uri().startsWith("/status/")
						? Integer.parseInt(request.uri().substring("/status/".length())) : 200;
				return response.status(status)
					.header("Content-Type", "text/plain")
					.addHeader("X-Backend", "a")
					.addHeader("X-Backend", "b")
					.sendString(Mono.just("ok"));
			}).bindNow();
		}

		int port() {
			return this.server.port();
		}

		URI url(String pathAndQuery) {
			return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
		}

		@Override
		public void close() {
			this.server.disposeNow();
		}

	}

}
