package dev.gatehouse.gateway.ratelimit;

import java.time.Duration;

/**
 * One limit of a route: at most {@code requests} per {@code period} for each value of
 * {@code key}. The window starts with the first request and lasts {@code period} (fixed
 * window).
 *
 * @param name the policy name in the {@code RateLimit-Policy}/{@code RateLimit} fields
 * @param requests requests admitted per window
 * @param period window length
 * @param key what the limit counts by
 */
public record RateLimit(String name, long requests, Duration period, Key key) {

	/** What a limit counts by. */
	public enum Key {

		/**
		 * The token's {@code sub}; the client address when the request carries no token
		 * (public routes).
		 */
		SUBJECT,

		/**
		 * The client address: the socket peer, or the forwarded address when the peer is
		 * a trusted proxy.
		 */
		IP,

		/** The route as a whole: one budget shared by every caller. */
		ROUTE

	}

}
