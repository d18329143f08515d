package dev.gatehouse.gateway.protocol;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * {@code Strict-Transport-Security} on every answer given over TLS (browsers ignore it
 * over plain HTTP, so it is never sent there). A backend's or a route filter's own value
 * is kept.
 */
final class StrictTransportSecurityFilter implements WebFilter, Ordered {

	static final String HEADER = "Strict-Transport-Security";

	/** One year, the usual preload-list minimum. */
	static final String VALUE = "max-age=31536000";

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 2;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (exchange.getRequest().getSslInfo() != null) {
			exchange.getResponse().beforeCommit(() -> {
				HttpHeaders headers = exchange.getResponse().getHeaders();
				if (!headers.containsHeader(HEADER)) {
					headers.set(HEADER, VALUE);
				}
				return Mono.empty();
			});
		}
		return chain.filter(exchange);
	}

	/**
	 * A constant: Spring's filter chain names each filter in a checkpoint on every
	 * request, which {@link Object#toString()} would build anew each time.
	 */
	@Override
	public String toString() {
		return "StrictTransportSecurityFilter";
	}

}
