package dev.gatehouse.gateway.ratelimit;

import java.time.Duration;
import java.util.List;

import dev.gatehouse.gateway.security.ClaimCondition;
import dev.gatehouse.gateway.security.ClaimPath;

/**
 * One limit of a route: at most {@code requests} per {@code period} for each value of
 * {@code key}. A limit with {@code when} conditions is a <em>plan</em>: it applies to
 * tokens whose claims satisfy all of them; the limits without {@code when} apply to
 * tokens that match no plan.
 *
 * @param name the policy name in the {@code RateLimit-Policy}/{@code RateLimit} fields
 * (unique within the route)
 * @param requests requests admitted per window
 * @param period window length
 * @param key what the limit counts by
 * @param claim for {@link Key#CLAIM}: the claim whose value is counted by ({@code null}
 * otherwise)
 * @param when the plan's conditions (empty: not a plan)
 */
public record RateLimit(String name, long requests, Duration period, Key key, ClaimPath claim,
		List<ClaimCondition> when) {

	public RateLimit {
		when = List.copyOf(when);
		if ((key == Key.CLAIM) != (claim != null)) {
			throw new IllegalArgumentException("a claim is named exactly for key claim:<name>");
		}
	}

	/** A limit for everyone (not a plan) that does not count by a claim. */
	public RateLimit(String name, long requests, Duration period, Key key) {
		this(name, requests, period, key, null, List.of());
	}

	/**
	 * @return whether this limit is a plan (has {@code when} conditions)
	 */
	public boolean isPlan() {
		return !this.when.isEmpty();
	}

	/**
	 * @return the {@code key} as written in route metadata
	 */
	public String keyName() {
		return (this.key == Key.CLAIM) ? "claim:" + this.claim : this.key.name().toLowerCase(java.util.Locale.ROOT);
	}

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
		ROUTE,

		/**
		 * The token's {@code client_id} (the calling application); as {@link #SUBJECT}
		 * when the token has none.
		 */
		CLIENT,

		/**
		 * The value of one claim ({@code key: claim:tenant}); as {@link #SUBJECT} when
		 * the token lacks the claim or it has no single value.
		 */
		CLAIM

	}

}
