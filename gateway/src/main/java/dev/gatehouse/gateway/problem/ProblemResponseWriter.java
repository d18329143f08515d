package dev.gatehouse.gateway.problem;

import java.util.Set;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import dev.gatehouse.gateway.forwarding.RequestIdWebFilter;

/**
 * Writes a {@link Problem} as {@code application/problem+json}, carrying the request id.
 * Every gateway-made error goes through here.
 */
public final class ProblemResponseWriter {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Write the problem. Headers a backend response already contributed are removed;
	 * headers the gateway set itself (for example rate-limit fields) are kept.
	 * @param exchange the exchange
	 * @param problem the problem
	 * @return completion
	 */
	public Mono<Void> write(ServerWebExchange exchange, Problem problem) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		exchange.getAttributes().put(Problem.REASON_ATTRIBUTE, problem.type());
		String requestId = RequestIdWebFilter.requestId(exchange);
		byte[] body = JSON.writeValueAsBytes(problem.body(exchange.getRequest().getPath().value(), requestId));
		response.setStatusCode(problem.status());
		HttpHeaders headers = response.getHeaders();
		Set<String> fromBackend = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES);
		if (fromBackend != null) {
			fromBackend.forEach(headers::remove);
		}
		headers.remove(HttpHeaders.CONTENT_ENCODING);
		headers.remove(HttpHeaders.TRANSFER_ENCODING);
		problem.headers().headerSet().forEach(header -> headers.put(header.getKey(), header.getValue()));
		headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		headers.setContentLength(body.length);
		headers.setCacheControl("no-store");
		securityHeaders(exchange, headers);
		if (requestId != null) {
			headers.set(RequestIdWebFilter.HEADER, requestId);
		}
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

	/**
	 * A gateway-made answer is never rendered, framed or sniffed as anything but JSON,
	 * whichever route (or none) it belongs to; HSTS only when the request came over TLS
	 * (an http answer's HSTS is ignored, and a TLS terminator in front sets its own).
	 */
	private static void securityHeaders(ServerWebExchange exchange, HttpHeaders headers) {
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set("X-Frame-Options", "DENY");
		headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
		headers.set("Referrer-Policy", "no-referrer");
		if (exchange.getRequest().getSslInfo() != null) {
			headers.set("Strict-Transport-Security", "max-age=31536000");
		}
	}

	/**
	 * @return {@code value} as a quoted-string (RFC 9110), for {@code WWW-Authenticate}
	 */
	static String quoted(String value) {
		StringBuilder out = new StringBuilder(value.length() + 2).append('"');
		for (char c : value.toCharArray()) {
			if (c == '"' || c == '\\') {
				out.append('\\');
			}
			out.append((c < 0x20 || c == 0x7f) ? ' ' : c);
		}
		return out.append('"').toString();
	}

}
