package dev.gatehouse.gateway.path;

import java.util.List;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses (405, with {@code Allow}) every request method outside
 * {@code gatehouse.gateway.allowed-methods} (by default GET, HEAD, POST, PUT, PATCH,
 * DELETE, OPTIONS), before routing: {@code TRACE}, {@code CONNECT} or WebDAV methods
 * never reach a backend, whatever its own handling of them.
 */
final class MethodGuardWebFilter implements WebFilter, Ordered {

	/** Right after the path guard, still before everything else. */
	public static final int ORDER = PathGuardWebFilter.ORDER + 1;

	private final Set<String> allowed;

	private final String allow;

	/**
	 * @param allowed the accepted method names, case-sensitive as HTTP methods are
	 */
	public MethodGuardWebFilter(List<String> allowed) {
		this.allowed = Set.copyOf(allowed);
		this.allow = String.join(", ", allowed.stream().distinct().toList());
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!this.allowed.contains(exchange.getRequest().getMethod().name())) {
			return Mono.error(new MethodRejectedException(this.allow));
		}
		return chain.filter(exchange);
	}

	/**
	 * A constant: Spring's filter chain names each filter in a checkpoint on every
	 * request, which {@link Object#toString()} would build anew each time.
	 */
	@Override
	public String toString() {
		return "MethodGuardWebFilter";
	}

}
