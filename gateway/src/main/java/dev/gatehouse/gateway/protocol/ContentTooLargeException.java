package dev.gatehouse.gateway.protocol;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A request body above the route's {@code max-request-size}: answered 413, and not a
 * backend failure (the circuit breaker ignores it, see application.yml).
 */
public final class ContentTooLargeException extends ResponseStatusException {

	ContentTooLargeException(long maxBytes) {
		super(HttpStatus.CONTENT_TOO_LARGE, "request body larger than " + maxBytes + " bytes");
	}

}
