package dev.gatehouse.gateway.ratelimit;

import java.util.List;

/**
 * The store's answer for one request over every limit of its route.
 *
 * @param allowed whether the request is admitted (it was counted against every limit)
 * @param states per limit, in the route's order: what remains and when the window resets
 */
public record RateLimitDecision(boolean allowed, List<State> states) {

	public RateLimitDecision {
		states = List.copyOf(states);
	}

	/**
	 * @param remaining requests left in the current window
	 * @param resetSeconds whole seconds until the window resets
	 */
	public record State(long remaining, long resetSeconds) {
	}

}
