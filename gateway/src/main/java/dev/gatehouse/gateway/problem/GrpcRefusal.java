package dev.gatehouse.gateway.problem;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * A gateway-made error as a gRPC client understands it: HTTP 200, a trailers-only
 * response whose {@code grpc-status} maps the problem's HTTP status (401 is
 * {@code UNAUTHENTICATED}, 403 {@code PERMISSION_DENIED}, 429 and 413
 * {@code RESOURCE_EXHAUSTED}...) and whose {@code grpc-message} carries its detail,
 * percent-encoded as the gRPC protocol requires.
 */
final class GrpcRefusal {

	static final String CONTENT_TYPE = "application/grpc";

	private GrpcRefusal() {
	}

	/**
	 * Whether the request is a gRPC call
	 * ({@code content-type: application/grpc[+proto...]}).
	 */
	static boolean isGrpc(ServerHttpRequest request) {
		String type = request.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
		return type != null && type.regionMatches(true, 0, CONTENT_TYPE, 0, CONTENT_TYPE.length());
	}

	static Mono<Void> write(ServerHttpResponse response, HttpStatusCode status, String detail) {
		HttpHeaders headers = response.getHeaders();
		response.setStatusCode(HttpStatus.OK);
		headers.remove(HttpHeaders.CONTENT_LENGTH);
		headers.set(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE);
		headers.set("grpc-status", Integer.toString(code(status.value())));
		headers.set("grpc-message", percentEncoded((detail != null) ? detail : ""));
		return response.setComplete();
	}

	/**
	 * gRPC status codes (grpc/doc/statuscodes.md) for the statuses the gateway answers.
	 */
	static int code(int status) {
		return switch (status) {
			case 401 -> 16; // UNAUTHENTICATED
			case 403 -> 7; // PERMISSION_DENIED
			case 429, 413 -> 8; // RESOURCE_EXHAUSTED
			case 404, 405 -> 12; // UNIMPLEMENTED
			case 400 -> 3; // INVALID_ARGUMENT
			case 502, 503 -> 14; // UNAVAILABLE
			case 504 -> 4; // DEADLINE_EXCEEDED
			default -> 13; // INTERNAL
		};
	}

	/**
	 * Printable ASCII except {@code %} as is, everything else as {@code %XX} of UTF-8.
	 */
	static String percentEncoded(String message) {
		StringBuilder out = new StringBuilder(message.length());
		for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
			int c = b & 0xff;
			if (c >= 0x20 && c <= 0x7e && c != '%') {
				out.append((char) c);
			}
			else {
				out.append('%')
					.append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
					.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
			}
		}
		return out.toString();
	}

}
