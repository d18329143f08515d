package dev.gatehouse.gateway.protocol;

import java.net.URI;

import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * A request body above the route's {@code max-request-size}: 413
 * {@code content-too-large}. Not a backend failure: the circuit breaker ignores it (see
 * application.yml).
 */
public final class ContentTooLargeException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("content-too-large");

	ContentTooLargeException(long maxBytes) {
		super("request body larger than " + maxBytes + " bytes", HttpStatus.CONTENT_TOO_LARGE, TYPE,
				"Content too large");
	}

	@Override
	protected String clientDetail() {
		return "The request body is larger than this route accepts.";
	}

}
