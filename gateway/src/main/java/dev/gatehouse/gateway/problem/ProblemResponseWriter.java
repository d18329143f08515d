package dev.gatehouse.gateway.problem;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;

import dev.gatehouse.gateway.forwarding.RequestIdWebFilter;

/**
 * Writes an {@link ErrorResponse} (a {@link GatewayRefusal}, or a failure the exception
 * handler mapped) as {@code application/problem+json}: {@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance} (the request path) and
 * {@code requestId}, with the response's own headers. Every gateway-made error goes
 * through here.
 */
public final class ProblemResponseWriter {

	/**
	 * Exchange attribute: the short {@code type} name of the problem the gateway answered
	 * with (the access log's reason), e.g. {@code invalid-token}.
	 */
	public static final String REASON_ATTRIBUTE = ProblemResponseWriter.class.getName() + ".reason";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Write the problem. Headers a backend response already contributed are removed;
	 * headers the gateway set itself (for example rate-limit fields) are kept.
	 * @param exchange the exchange
	 * @param problem the problem
	 * @return completion
	 */
	public Mono<Void> write(ServerWebExchange exchange, ErrorResponse problem) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		ProblemDetail detail = problem.getBody();
		exchange.getAttributes().put(REASON_ATTRIBUTE, shortType(detail.getType()));
		String requestId = RequestIdWebFilter.requestId(exchange);
		if (GrpcRefusal.isGrpc(exchange.getRequest())) {
			HttpHeaders headers = response.getHeaders();
			problem.getHeaders().headerSet().forEach(header -> headers.put(header.getKey(), header.getValue()));
			if (requestId != null) {
				headers.set(RequestIdWebFilter.HEADER, requestId);
			}
			return GrpcRefusal.write(response, problem.getStatusCode(), detail.getDetail());
		}
		byte[] body = JSON.writeValueAsBytes(body(detail, exchange.getRequest().getPath().value(), requestId));
		response.setStatusCode(problem.getStatusCode());
		HttpHeaders headers = response.getHeaders();
		Set<String> fromBackend = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES);
		if (fromBackend != null) {
			fromBackend.forEach(headers::remove);
		}
		headers.remove(HttpHeaders.CONTENT_ENCODING);
		headers.remove(HttpHeaders.TRANSFER_ENCODING);
		problem.getHeaders().headerSet().forEach(header -> headers.put(header.getKey(), header.getValue()));
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

	private static Map<String, Object> body(ProblemDetail problem, String instance, String requestId) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.getType().toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		body.put("detail", problem.getDetail());
		body.put("instance", instance);
		if (requestId != null) {
			body.put("requestId", requestId);
		}
		if (problem.getProperties() != null) {
			problem.getProperties().forEach(body::putIfAbsent);
		}
		return body;
	}

	private static String shortType(URI type) {
		String text = type.toString();
		return text.startsWith(GatewayRefusal.TYPE_PREFIX) ? text.substring(GatewayRefusal.TYPE_PREFIX.length()) : text;
	}

}
