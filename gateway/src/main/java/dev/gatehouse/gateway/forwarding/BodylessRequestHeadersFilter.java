package dev.gatehouse.gateway.forwarding;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;

/**
 * Keeps a request without a body bodyless on its way to the backend. Reactor Netty's
 * client frames every request whose method is not GET, HEAD or DELETE and that carries no
 * {@code Content-Length} as {@code Transfer-Encoding: chunked}, so an {@code OPTIONS} or
 * an empty {@code POST} would reach the backend announcing a chunked body, which some
 * backends refuse. A request without {@code Content-Length} and without
 * {@code Transfer-Encoding} has no body (RFC 9112 section 6.3; Netty marks an HTTP/2
 * request that goes on with DATA frames as chunked), so it is forwarded with
 * {@code Content-Length: 0}, the framing Reactor Netty itself uses for an empty body of
 * those methods. Requests with a body, and GET, HEAD and DELETE, are left alone.
 */
final class BodylessRequestHeadersFilter implements HttpHeadersFilter, Ordered {

	@Override
	public int getOrder() {
		// before the hop-by-hop removal and IdentityHeadersFilter, which pass
		// Content-Length on
		return Ordered.LOWEST_PRECEDENCE - 2;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		HttpMethod method = exchange.getRequest().getMethod();
		if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.DELETE.equals(method)) {
			return input;
		}
		HttpHeaders client = exchange.getRequest().getHeaders();
		if (client.containsHeader(HttpHeaders.CONTENT_LENGTH) || client.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
			return input;
		}
		HttpHeaders out = new HttpHeaders();
		out.addAll(input);
		out.setContentLength(0);
		return out;
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.REQUEST;
	}

}
