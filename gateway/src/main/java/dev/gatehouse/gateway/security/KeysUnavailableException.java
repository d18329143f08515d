package dev.gatehouse.gateway.security;

import java.net.URI;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * An issuer's keys have never been loaded and its JWKS endpoint cannot be reached. This
 * is an infrastructure failure, not a bad token: answered with 503
 * {@code keys-unavailable} and {@code Retry-After} (the refetch cooldown), so clients do
 * not throw away a token that may be perfectly good.
 */
public class KeysUnavailableException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("keys-unavailable");

	private final Duration retryAfter;

	public KeysUnavailableException(String issuer, Duration retryAfter) {
		super("signing keys of issuer " + issuer + " are unavailable", HttpStatus.SERVICE_UNAVAILABLE, TYPE,
				"Service unavailable");
		this.retryAfter = retryAfter;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	@Override
	protected String clientDetail() {
		return "The token issuer's signing keys cannot be obtained right now; try again later.";
	}

	@Override
	public HttpHeaders getHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, GatewayRefusal.retryAfter(this.retryAfter));
		return headers;
	}

}
