package dev.gatehouse.gateway.security;

import java.time.Duration;

/**
 * An issuer's keys have never been loaded and its JWKS endpoint cannot be reached. This
 * is an infrastructure failure, not a bad token: answered with 503 and
 * {@code Retry-After}, so clients do not throw away a token that may be perfectly good.
 */
public class KeysUnavailableException extends RuntimeException {

	private final Duration retryAfter;

	public KeysUnavailableException(String issuer, Duration retryAfter) {
		super("signing keys of issuer " + issuer + " are unavailable", null, false, false);
		this.retryAfter = retryAfter;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

}
