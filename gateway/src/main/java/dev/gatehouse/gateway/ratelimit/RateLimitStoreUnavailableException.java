package dev.gatehouse.gateway.ratelimit;

/**
 * The rate-limit store could not decide and {@code on-store-failure} is {@code deny}: 503
 * with {@code Retry-After}.
 */
public class RateLimitStoreUnavailableException extends RuntimeException {

	public RateLimitStoreUnavailableException() {
		super("rate limit store unavailable", null, false, false);
	}

}
