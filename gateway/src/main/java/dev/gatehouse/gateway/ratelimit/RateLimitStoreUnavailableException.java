package dev.gatehouse.gateway.ratelimit;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * The rate-limit store could not decide and {@code on-store-failure} is {@code deny}: 503
 * {@code rate-limit-unavailable} with {@code Retry-After: 1}.
 */
public class RateLimitStoreUnavailableException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("rate-limit-unavailable");

	public RateLimitStoreUnavailableException() {
		super("rate limit store unavailable", HttpStatus.SERVICE_UNAVAILABLE, TYPE, "Service unavailable");
	}

	@Override
	protected String clientDetail() {
		return "The rate limit cannot be checked right now; try again shortly.";
	}

	@Override
	public HttpHeaders getHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "1");
		return headers;
	}

}
