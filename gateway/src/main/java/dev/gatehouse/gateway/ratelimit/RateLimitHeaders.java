package dev.gatehouse.gateway.ratelimit;

import java.util.List;
import java.util.StringJoiner;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} fields of
 * draft-ietf-httpapi-ratelimit-headers-11, e.g.
 * {@code RateLimit-Policy: "burst";q=5;w=1, "daily";q=1000;w=86400} and
 * {@code RateLimit: "burst";r=3;t=1}.
 */
final class RateLimitHeaders {

	static final String POLICY = "RateLimit-Policy";

	static final String RATE_LIMIT = "RateLimit";

	private RateLimitHeaders() {
	}

	static String policy(List<RateLimit> limits) {
		StringJoiner joiner = new StringJoiner(", ");
		for (RateLimit limit : limits) {
			joiner
				.add(quoted(limit.name()) + ";q=" + limit.requests() + ";w=" + Math.max(1, limit.period().toSeconds()));
		}
		return joiner.toString();
	}

	static String rateLimit(List<RateLimit> limits, RateLimitDecision decision) {
		return rateLimit(remainingPrefixes(limits), decision);
	}

	/**
	 * The {@code RateLimit} value from each limit's {@link #remainingPrefixes prefix},
	 * made once per route version: per request only the numbers are appended.
	 */
	static String rateLimit(String[] remainingPrefixes, RateLimitDecision decision) {
		StringBuilder out = new StringBuilder(32 * remainingPrefixes.length);
		for (int i = 0; i < remainingPrefixes.length; i++) {
			RateLimitDecision.State state = decision.states().get(i);
			if (i > 0) {
				out.append(", ");
			}
			out.append(remainingPrefixes[i]).append(state.remaining()).append(";t=").append(state.resetSeconds());
		}
		return out.toString();
	}

	/** Per limit, the start of its {@code RateLimit} item: {@code "name";r=}. */
	static String[] remainingPrefixes(List<RateLimit> limits) {
		String[] prefixes = new String[limits.size()];
		for (int i = 0; i < prefixes.length; i++) {
			prefixes[i] = quoted(limits.get(i).name()) + ";r=";
		}
		return prefixes;
	}

	/** Whole seconds until every exhausted limit admits again (at least 1). */
	static long retryAfter(List<RateLimit> limits, RateLimitDecision decision) {
		long wait = 1;
		for (int i = 0; i < limits.size(); i++) {
			RateLimitDecision.State state = decision.states().get(i);
			if (state.remaining() == 0) {
				wait = Math.max(wait, state.resetSeconds());
			}
		}
		return wait;
	}

	private static String quoted(String name) {
		return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
	}

}
