package dev.gatehouse.gateway.accesslog;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;

/**
 * Notes when the request leaves for the backend: the last global filter before Spring
 * Cloud Gateway's routing filter, so a request refused earlier has no upstream time.
 */
final class UpstreamTimingFilter implements GlobalFilter, Ordered {

	/** Exchange attribute: {@link System#nanoTime()} when the backend call started. */
	static final String STARTED = UpstreamTimingFilter.class.getName() + ".started";

	@Override
	public int getOrder() {
		// NettyRoutingFilter runs at LOWEST_PRECEDENCE
		return Ordered.LOWEST_PRECEDENCE - 1;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		exchange.getAttributes().put(STARTED, System.nanoTime());
		return chain.filter(exchange);
	}

}
