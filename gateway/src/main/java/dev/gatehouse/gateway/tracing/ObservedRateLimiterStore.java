package dev.gatehouse.gateway.tracing;

import java.util.List;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Mono;

import dev.gatehouse.gateway.ratelimit.RateLimit;
import dev.gatehouse.gateway.ratelimit.RateLimitDecision;
import dev.gatehouse.gateway.ratelimit.RateLimiterStore;

/**
 * A rate-limit decision as an observation ({@value #NAME}, span "rate limit", tagged with
 * the route): one store call, in memory or a Redis round trip. Present only when tracing
 * is on.
 */
final class ObservedRateLimiterStore implements RateLimiterStore {

	static final String NAME = "gatehouse.gateway.ratelimit.decision";

	private final RateLimiterStore delegate;

	private final ObservationRegistry registry;

	ObservedRateLimiterStore(RateLimiterStore delegate, ObservationRegistry registry) {
		this.delegate = delegate;
		this.registry = registry;
	}

	@Override
	public Mono<RateLimitDecision> consume(String routeId, List<RateLimit> limits, List<String> keys) {
		return Observed.observe(this.registry, NAME, "rate limit", KeyValues.of("route", routeId),
				() -> this.delegate.consume(routeId, limits, keys));
	}

	/** Explain's read of the counters: not a decision, not observed. */
	@Override
	public Mono<RateLimitDecision> peek(String routeId, List<RateLimit> limits, List<String> keys) {
		return this.delegate.peek(routeId, limits, keys);
	}

}
