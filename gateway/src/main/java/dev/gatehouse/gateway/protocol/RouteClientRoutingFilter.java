package dev.gatehouse.gateway.protocol;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;

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
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Cloud Gateway's routing filter, with each route's backend client configured once
 * per route version instead of per call, and the response timeout's timer on the
 * request's own event loop.
 * <p>
 * Spring Cloud Gateway copies its {@code HttpClient} configuration on every call to set
 * the connect timeout, and times the response with Reactor's {@code timeout()} on the
 * parallel scheduler: every call puts a task into that scheduler's locked delay queue and
 * takes it out again ({@code bench/gateway.sh}). Here each route version gets one client
 * with its connect timeout, and the same timeout, from the start of the call until the
 * backend's response headers, runs on the event loop of the client's connection to the
 * gateway, whose timer queue that loop uses without a lock. The route reaches Spring
 * Cloud Gateway as a copy without response timeout when it has one of its own or streams
 * ({@link RouteProtocolSettings}); the global value is not handed to it either, so its
 * timer never runs. A timed-out call fails with a {@link TimeoutException} (504
 * {@code gateway-timeout}) and is cancelled, as with Spring Cloud Gateway's.
 */
final class RouteClientRoutingFilter extends NettyRoutingFilter implements ApplicationListener<RefreshRoutesEvent> {

	private final HttpClient httpClient;

	private final HttpClientProperties properties;

	private final RouteProtocolSettings settings;

	private final Map<String, RouteCall> byRouteId = new ConcurrentHashMap<>();

	private final Map<EventLoop, Scheduler> timers = new ConcurrentHashMap<>();

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
		if (route == null) {
			return super.filter(exchange, chain);
		}
		RouteCall call = callOf(route);
		if (call.forwarded() != route) {
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, call.forwarded());
		}
		// asked before Spring Cloud Gateway marks the exchange routed
		boolean timed = call.responseTimeout() != null && callsBackend(exchange);
		// completes when the response headers are in (the body is written afterwards)
		Mono<Void> routed = super.filter(exchange, chain);
		return timed ? routed.timeout(call.responseTimeout(), call.timedOut(), timerFor(exchange)) : routed;
	}

	/** What Spring Cloud Gateway's routing filter sends (and times) itself. */
	private static boolean callsBackend(ServerWebExchange exchange) {
		URI url = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
		return url != null && ("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
				&& !ServerWebExchangeUtils.isAlreadyRouted(exchange);
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
			call = new RouteCall(settings.route(), settings.forwarded(), client(settings.route()), timeout,
					Mono.error(() -> new TimeoutException("Response took longer than timeout: " + timeout)));
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
	 * The event loop of the client's connection to the gateway, as a scheduler: timers
	 * set and cancelled from that loop stay on it. Reactor's parallel scheduler when the
	 * request did not come through Reactor Netty.
	 */
	private Scheduler timerFor(ServerWebExchange exchange) {
		Object nativeRequest;
		try {
			nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			// a request of another kind, or a mock in a test
			nativeRequest = null;
		}
		if (!(nativeRequest instanceof Connection connection)) {
			return Schedulers.parallel();
		}
		EventLoop loop = connection.channel().eventLoop();
		Scheduler timer = this.timers.get(loop);
		if (timer == null) {
			timer = this.timers.computeIfAbsent(loop, (key) -> Schedulers.fromExecutorService(key, "gatehouse-timer"));
		}
		return timer;
	}

	/**
	 * @param route the route as configured
	 * @param forwarded the route as Spring Cloud Gateway gets it
	 * @param client its backend client, with its connect timeout
	 * @param responseTimeout the time allowed until the response headers, or {@code null}
	 * for none
	 * @param timedOut what a call that ran out of time ends with
	 */
	private record RouteCall(Route route, Route forwarded, HttpClient client, @Nullable Duration responseTimeout,
			Mono<Void> timedOut) {
	}

}
