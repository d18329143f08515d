package dev.gatehouse.gateway.ratelimit;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * A request over a route's limit: 429 {@code rate-limited} with {@code Retry-After}; the
 * backend never sees it.
 */
public class RateLimitedException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("rate-limited");

	private final long retryAfterSeconds;

	public RateLimitedException(long retryAfterSeconds) {
		super("rate limit exceeded", HttpStatus.TOO_MANY_REQUESTS, TYPE, "Too many requests");
		this.retryAfterSeconds = retryAfterSeconds;
	}

	public long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

	@Override
	protected String clientDetail() {
		return "This route's rate limit is exhausted; retry after the indicated time.";
	}

	@Override
	public HttpHeaders getHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, Long.toString(this.retryAfterSeconds));
		return headers;
	}

}
