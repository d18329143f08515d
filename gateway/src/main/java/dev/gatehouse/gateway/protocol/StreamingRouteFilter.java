package dev.gatehouse.gateway.protocol;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * Route metadata {@code streaming: true}: the backend call has no response timeout (a
 * long poll, or a stream whose backend answers its headers with the first event). Spring
 * Cloud Gateway reads the timeout from the matched route's metadata, so the exchange
 * continues with a copy of the route whose {@code response-timeout} is negative (none).
 * Response bodies are never buffered by the gateway, streaming or not.
 */
final class StreamingRouteFilter implements GlobalFilter, Ordered {

	private final RouteProtocolSettings settings;

	StreamingRouteFilter(RouteProtocolSettings settings) {
		this.settings = settings;
	}

	/**
	 * Right before the routing filters, after every filter that looks the policy up by
	 * the route instance (a copy would make them parse it anew).
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 3;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route != null) {
			Route forwarded = this.settings.of(route).forwarded();
			if (forwarded != route) {
				exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, forwarded);
			}
		}
		return chain.filter(exchange);
	}

}
