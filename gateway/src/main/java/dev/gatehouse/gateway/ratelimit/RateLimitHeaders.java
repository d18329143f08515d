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
		StringJoiner joiner = new StringJoiner(", ");
		for (int i = 0; i < limits.size(); i++) {
			RateLimitDecision.State state = decision.states().get(i);
			joiner.add(quoted(limits.get(i).name()) + ";r=" + state.remaining() + ";t=" + state.resetSeconds());
		}
		return joiner.toString();
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
