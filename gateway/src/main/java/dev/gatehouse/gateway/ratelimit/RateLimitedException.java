package dev.gatehouse.gateway.ratelimit;

/**
 * A request over a route's limit: 429 with {@code Retry-After}; the backend never sees
 * it.
 */
public class RateLimitedException extends RuntimeException {

	private final long retryAfterSeconds;

	public RateLimitedException(long retryAfterSeconds) {
		super("rate limit exceeded", null, false, false);
		this.retryAfterSeconds = retryAfterSeconds;
	}

	public long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
