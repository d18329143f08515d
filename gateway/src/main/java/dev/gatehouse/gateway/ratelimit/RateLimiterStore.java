package dev.gatehouse.gateway.ratelimit;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Where counters live: in this JVM ({@link MemoryRateLimiterStore}) or shared by every
 * gateway in Redis ({@link RedisRateLimiterStore}). One call decides one request against
 * all limits of its route, atomically: a request is counted against every limit or, when
 * any limit is exhausted, against none.
 */
public interface RateLimiterStore {

	/**
	 * @param routeId the route
	 * @param limits the route's limits
	 * @param keys per limit, the value it counts by (subject, address or route id)
	 * @return the decision; an error when the store cannot decide (Redis unreachable)
	 */
	Mono<RateLimitDecision> consume(String routeId, List<RateLimit> limits, List<String> keys);

	/**
	 * The same decision as {@link #consume}, taken at once by a store that needs no I/O
	 * for it (in memory), so a request pays no reactive pipeline for it.
	 * @param routeId the route
	 * @param limits the route's limits
	 * @param keys per limit, the value it counts by
	 * @return the decision, or {@code null} when only {@link #consume} can answer (the
	 * default)
	 */
	default @Nullable RateLimitDecision consumeNow(String routeId, List<RateLimit> limits, List<String> keys) {
		return null;
	}

	/**
	 * Read the counters without counting anything (the explain endpoint).
	 * @param routeId the route
	 * @param limits the route's limits
	 * @param keys per limit, the value it counts by
	 * @return per limit what remains and when its window resets; {@code allowed}: whether
	 * a request now would be admitted
	 */
	Mono<RateLimitDecision> peek(String routeId, List<RateLimit> limits, List<String> keys);

}
