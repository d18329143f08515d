package dev.gatehouse.gateway.protocol;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.context.ApplicationListener;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.StringUtils;
import org.springframework.web.server.ServerWebExchange;

import dev.gatehouse.gateway.forwarding.ForwardedHeaders;

/**
 * Spring Cloud Gateway's routing filter, with each route's backend client configured once
 * per route version instead of per call, the response timeout kept without a timer per
 * call, and the forwarded request headers copied one time fewer. It calls an HTTP backend
 * itself, as Spring Cloud Gateway's filter does (the same request and response header
 * filters, attributes and status handling, so Spring Cloud Gateway's response writer
 * takes over from it), and leaves every other URL to that filter.
 * <p>
 * Spring Cloud Gateway copies its {@code HttpClient} configuration on every call to set
 * the connect timeout, and times the response with Reactor's {@code timeout()} on the
 * parallel scheduler: every call puts a task into that scheduler's locked delay queue and
 * takes it out again ({@code bench/gateway.sh}). Here each route version gets one client
 * with its connect timeout, and the same timeout, from the start of the call until the
 * backend's response headers, is kept in the list of the event loop of the client's
 * connection to the gateway, which that loop sweeps ({@link ResponseDeadlines}). The
 * route reaches Spring Cloud Gateway as a copy without response timeout when it has one
 * of its own or streams ({@link RouteProtocolSettings}); the global value is not handed
 * to it either, so its timer never runs. A timed-out call fails with a
 * {@link java.util.concurrent.TimeoutException} (504 {@code gateway-timeout}) and is
 * cancelled, as with Spring Cloud Gateway's.
 */
final class RouteClientRoutingFilter extends NettyRoutingFilter implements ApplicationListener<RefreshRoutesEvent> {

	private final HttpClient httpClient;

	private final HttpClientProperties properties;

	private final RouteProtocolSettings settings;

	private final Map<String, RouteCall> byRouteId = new ConcurrentHashMap<>();

	private final ResponseDeadlines deadlines = new ResponseDeadlines();

	RouteClientRoutingFilter(HttpClient httpClient, ObjectProvider<List<HttpHeadersFilter>> headersFilters,
			HttpClientProperties properties, RouteProtocolSettings settings) {
		// Spring Cloud Gateway reads only the timeouts from its properties, both taken
		// over here: it gets none
		super(httpClient, headersFilters, new HttpClientProperties());
		this.httpClient = httpClient;
		this.properties = properties;
		this.settings = settings;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		if (route == null) {
			return super.filter(exchange, chain);
		}
		RouteCall call = callOf(route);
		if (call.forwarded() != route) {
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, call.forwarded());
		}
		if (url == null || !isHttp(url.getScheme()) || ServerWebExchangeUtils.isAlreadyRouted(exchange)) {
			// not a backend call of its own: Spring Cloud Gateway's filter passes it on
			return super.filter(exchange, chain);
		}
		ServerWebExchangeUtils.setAlreadyRouted(exchange);
		// completes when the response headers are in (the body is written afterwards)
		Mono<Void> routed = call(exchange, call.client(), url).then(chain.filter(exchange));
		return (call.responseTimeout() != null)
				? this.deadlines.within(routed, call.responseTimeout(), loopOf(exchange)) : routed;
	}

	/**
	 * Spring Cloud Gateway's backend call, with the forwarded request headers copied
	 * straight into the client's headers (from which Reactor Netty copies them into the
	 * request): Spring Cloud Gateway copies them into Netty headers of its own first,
	 * then into the client's. A plain backend URL (ASCII, a host name, no user info or
	 * fragment) is handed over parsed, as the {@link URI} it already is; as text Reactor
	 * Netty parses it again with a regular expression.
	 */
	private Flux<HttpClientResponse> call(ServerWebExchange exchange, HttpClient client, URI url) {
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders forwarded = HttpHeadersFilter.filterRequest(getHeadersFilters(), exchange);
		boolean preserveHost = exchange.getAttributeOrDefault(ServerWebExchangeUtils.PRESERVE_HOST_HEADER_ATTRIBUTE,
				false);
		HttpClient.RequestSender sender = client.headers((headers) -> {
			// set, as Spring Cloud Gateway does: a name the headers hold in two casings
			// comes twice, each time with all its values
			forwarded.asMultiValueMap().forEach(headers::set);
			// set by Reactor Netty from the URL unless the route preserves the client's
			headers.remove(HttpHeaders.HOST);
			if (preserveHost) {
				String host = request.getHeaders().getFirst(HttpHeaders.HOST);
				if (host != null) {
					headers.add(HttpHeaders.HOST, host);
				}
			}
		}).request(HttpMethod.valueOf(request.getMethod().name()));
		HttpClient.ResponseReceiver<?> receiver = (isPlain(url) ? sender.uri(url) : sender.uri(url.toASCIIString()))
			.send((clientRequest, outbound) -> outbound.send(request.getBody().map(this::getByteBuf)));
		return receiver.responseConnection((response, connection) -> {
			received(exchange, response, connection);
			return Mono.just(response);
		});
	}

	/**
	 * Hands the backend's response to Spring Cloud Gateway's response writer as its
	 * routing filter does: status, headers through the response header filters, the
	 * response and its connection in the exchange's attributes.
	 */
	private void received(ServerWebExchange exchange, HttpClientResponse backend, Connection connection) {
		Map<String, Object> attributes = exchange.getAttributes();
		attributes.put(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR, backend);
		attributes.put(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR, connection);
		ServerHttpResponse response = exchange.getResponse();
		// read into the map the gateway forwards headers in (not Spring's, which keeps a
		// lower-cased copy of each name)
		HttpHeaders headers = new ForwardedHeaders();
		for (Map.Entry<String, String> header : backend.responseHeaders()) {
			headers.add(header.getKey(), header.getValue());
		}
		String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
		if (StringUtils.hasLength(contentType)) {
			attributes.put(ServerWebExchangeUtils.ORIGINAL_RESPONSE_CONTENT_TYPE_ATTR, contentType);
		}
		setStatus(backend, response);
		// after the status: response header filters may read it
		HttpHeaders filtered = HttpHeadersFilter.filter(getHeadersFilters(), headers, exchange,
				HttpHeadersFilter.Type.RESPONSE);
		HttpHeaders responseHeaders = response.getHeaders();
		// never both: Content-Length wins
		if (!filtered.containsHeader(HttpHeaders.TRANSFER_ENCODING)
				&& filtered.containsHeader(HttpHeaders.CONTENT_LENGTH)
				&& responseHeaders.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
			responseHeaders.remove(HttpHeaders.TRANSFER_ENCODING);
		}
		attributes.put(ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES, filtered.headerNames());
		responseHeaders.addAll(filtered);
	}

	private static void setStatus(HttpClientResponse backend, ServerHttpResponse response) {
		int code = backend.status().code();
		HttpStatus status = HttpStatus.resolve(code);
		if (status != null) {
			response.setStatusCode(status);
			return;
		}
		ServerHttpResponse target = response;
		while (target instanceof ServerHttpResponseDecorator decorator) {
			target = decorator.getDelegate();
		}
		if (!(target instanceof AbstractServerHttpResponse raw)) {
			throw new IllegalStateException(
					"Unable to set status code " + code + " on response of type " + target.getClass().getName());
		}
		raw.setRawStatusCode(code);
	}

	private static boolean isHttp(String scheme) {
		return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
	}

	/**
	 * A URL Reactor Netty takes as a {@link URI} with the same outcome as its text: a
	 * server-based authority without user info, an ASCII path and query, no fragment.
	 * Anything else goes as {@link URI#toASCIIString()}, as Spring Cloud Gateway sends
	 * it.
	 */
	static boolean isPlain(URI url) {
		return url.getHost() != null && url.getRawUserInfo() == null && url.getRawFragment() == null
				&& isAscii(url.getRawPath()) && isAscii(url.getRawQuery());
	}

	private static boolean isAscii(String value) {
		if (value != null) {
			for (int i = 0; i < value.length(); i++) {
				if (value.charAt(i) >= 0x80) {
					return false;
				}
			}
		}
		return true;
	}

	@Override
	protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
		return callOf(route).client();
	}

	/** A refresh forgets every route's client (a removed route's too). */
	@Override
	public void onApplicationEvent(RefreshRoutesEvent event) {
		this.byRouteId.clear();
	}

	/**
	 * @param route a route as configured or as forwarded
	 * @return how it is called, made once per route version
	 */
	private RouteCall callOf(Route route) {
		// Spring Cloud Gateway builds new Route objects on every refresh: the instance
		// marks the version
		RouteCall call = this.byRouteId.get(route.getId());
		if (call == null || (call.route() != route && call.forwarded() != route)) {
			RouteProtocolSettings.Settings settings = this.settings.of(route);
			Duration timeout = settings.responseTimeout(this.properties.getResponseTimeout());
			call = new RouteCall(settings.route(), settings.forwarded(), client(settings.route()), timeout);
			this.byRouteId.put(route.getId(), call);
		}
		return call;
	}

	private HttpClient client(Route route) {
		Object connectTimeout = route.getMetadata().get(RouteMetadataUtils.CONNECT_TIMEOUT_ATTR);
		if (connectTimeout == null) {
			connectTimeout = this.properties.getConnectTimeout();
		}
		if (connectTimeout == null) {
			return this.httpClient;
		}
		return this.httpClient.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (connectTimeout instanceof Number number)
				? number.intValue() : Integer.parseInt(connectTimeout.toString().trim()));
	}

	/**
	 * The event loop of the client's connection to the gateway, which then keeps the
	 * call's deadline; Netty's global executor when the request did not come through
	 * Reactor Netty.
	 */
	private static EventExecutor loopOf(ServerWebExchange exchange) {
		Object nativeRequest;
		try {
			nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			// a request of another kind, or a mock in a test
			nativeRequest = null;
		}
		return (nativeRequest instanceof Connection connection) ? connection.channel().eventLoop()
				: GlobalEventExecutor.INSTANCE;
	}

	/**
	 * @param route the route as configured
	 * @param forwarded the route as Spring Cloud Gateway gets it
	 * @param client its backend client, with its connect timeout
	 * @param responseTimeout the time allowed until the response headers, or {@code null}
	 * for none
	 */
	private record RouteCall(Route route, Route forwarded, HttpClient client, @Nullable Duration responseTimeout) {
	}

}
