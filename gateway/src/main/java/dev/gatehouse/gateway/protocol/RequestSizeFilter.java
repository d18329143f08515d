package dev.gatehouse.gateway.protocol;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;

import dev.gatehouse.gateway.policy.PolicyEnforcementFilter;

/**
 * Bounds request bodies by the route's {@code max-request-size}
 * ({@code gatehouse.gateway.max-request-size} unless the route's metadata says otherwise)
 * without buffering them: a declared {@code Content-Length} above the limit is refused
 * before the backend is called; a body of unknown length (chunked, or HTTP/2 without
 * {@code content-length}) is counted as it streams to the backend and the exchange fails
 * with 413 the moment it passes the limit. Runs after the policy (an unauthenticated
 * upload is 401, not 413).
 */
final class RequestSizeFilter implements GlobalFilter, Ordered {

	static final int ORDER = PolicyEnforcementFilter.ORDER + 5;

	private final RouteProtocolSettings settings;

	RequestSizeFilter(RouteProtocolSettings settings) {
		this.settings = settings;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route == null) {
			return chain.filter(exchange);
		}
		long max = this.settings.of(route).maxRequestSize();
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders headers = request.getHeaders();
		long length = headers.getContentLength();
		if (length > max) {
			return Mono.error(new ContentTooLargeException(max));
		}
		if (length >= 0 || !mayHaveBody(request, headers)) {
			// the declared length frames the body: nothing more can arrive
			return chain.filter(exchange);
		}
		return chain.filter(exchange.mutate().request(new Counted(request, max)).build());
	}

	/** A body without a declared length: chunked, or any method that carries one. */
	private static boolean mayHaveBody(ServerHttpRequest request, HttpHeaders headers) {
		HttpMethod method = request.getMethod();
		return headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)
				|| (method != HttpMethod.GET && method != HttpMethod.HEAD);
	}

	/** The request whose body fails with 413 once more than {@code max} bytes passed. */
	private static final class Counted extends ServerHttpRequestDecorator {

		private final long max;

		Counted(ServerHttpRequest delegate, long max) {
			super(delegate);
			this.max = max;
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.defer(() -> {
				long[] seen = { 0 };
				return super.getBody().handle((buffer, sink) -> {
					seen[0] += buffer.readableByteCount();
					if (seen[0] > this.max) {
						DataBufferUtils.release(buffer);
						sink.error(new ContentTooLargeException(this.max));
					}
					else {
						sink.next(buffer);
					}
				});
			});
		}

	}

}
