package dev.gatehouse.gateway.accesslog;

import java.net.InetSocketAddress;
import java.time.Clock;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.gatehouse.gateway.forwarding.ForwardingAttributes;
import dev.gatehouse.gateway.forwarding.RequestIdWebFilter;
import dev.gatehouse.gateway.problem.ProblemResponseWriter;
import dev.gatehouse.gateway.security.VerifiedToken;

/**
 * Takes one access log entry per request when its response is committed (gateway-made
 * errors included) and hands it to the {@link AccessLogWriter}; the request thread only
 * collects values it already has.
 */
final class AccessLogWebFilter implements WebFilter, Ordered {

	/**
	 * Right after {@link RequestIdWebFilter}, so the request id exists and every answer
	 * is seen.
	 */
	public static final int ORDER = RequestIdWebFilter.ORDER + 1;

	private final AccessLogWriter writer;

	private final Clock clock;

	private final boolean tracing;

	public AccessLogWebFilter(AccessLogWriter writer, Clock clock) {
		this(writer, clock, false);
	}

	/**
	 * @param writer where entries go
	 * @param clock the entries' time
	 * @param tracing whether tracing is on: only then is a trace id looked up
	 */
	public AccessLogWebFilter(AccessLogWriter writer, Clock clock, boolean tracing) {
		this.writer = writer;
		this.clock = clock;
		this.tracing = tracing;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!this.writer.enabled()) {
			return chain.filter(exchange);
		}
		long started = System.nanoTime();
		exchange.getResponse().beforeCommit(() -> {
			this.writer.record(entry(exchange, started, System.nanoTime()));
			return Mono.empty();
		});
		return chain.filter(exchange);
	}

	private AccessLogEntry entry(ServerWebExchange exchange, long started, long committed) {
		ServerHttpRequest request = exchange.getRequest();
		ServerHttpResponse response = exchange.getResponse();
		HttpStatusCode status = response.getStatusCode();
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		Long upstreamStarted = exchange.getAttribute(UpstreamTimingFilter.STARTED);
		VerifiedToken identity = exchange.getAttribute(ForwardingAttributes.IDENTITY);
		InetSocketAddress peer = request.getRemoteAddress();
		// the path without the query: a query string may carry secrets a client put there
		return new AccessLogEntry(this.clock.millis(), RequestIdWebFilter.requestId(exchange),
				this.tracing ? traceId(exchange) : null, request.getMethod().name(), request.getPath().value(),
				(route != null) ? route.getId() : null, (status != null) ? status.value() : 200, committed - started,
				(upstreamStarted != null) ? committed - upstreamStarted : -1, response.getHeaders().getContentLength(),
				(peer != null && peer.getAddress() != null) ? peer.getAddress().getHostAddress() : null,
				(identity != null) ? identity.subject() : null, (identity != null) ? identity.clientId() : null,
				exchange.getAttribute(ProblemResponseWriter.REASON_ATTRIBUTE));
	}

	/**
	 * The trace id of the request's span, which Spring Boot's tracing keeps on the server
	 * request's observation context; {@code null} when there is none.
	 */
	static String traceId(ServerWebExchange exchange) {
		ServerRequestObservationContext observation = exchange
			.getAttribute(ServerRequestObservationContext.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE);
		TracingObservationHandler.TracingContext tracing = (observation != null)
				? observation.get(TracingObservationHandler.TracingContext.class) : null;
		Span span = (tracing != null) ? tracing.getSpan() : null;
		return (span != null) ? span.context().traceId() : null;
	}

	/**
	 * A constant: Spring's filter chain names each filter in a checkpoint on every
	 * request, which {@link Object#toString()} would build anew each time.
	 */
	@Override
	public String toString() {
		return "AccessLogWebFilter";
	}

}
