package dev.gatehouse.gateway.ratelimit;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTests {

	private static final List<RateLimit> LIMITS = List.of(
			new RateLimit("burst", 5, Duration.ofSeconds(1), RateLimit.Key.SUBJECT),
			new RateLimit("daily", 1000, Duration.ofDays(1), RateLimit.Key.SUBJECT));

	@Test
	void policyFieldListsEveryLimitWithQuotaAndWindow() {
		assertThat(RateLimitHeaders.policy(LIMITS)).isEqualTo("\"burst\";q=5;w=1, \"daily\";q=1000;w=86400");
	}

	@Test
	void rateLimitFieldCarriesRemainingAndResetPerLimit() {
		RateLimitDecision decision = new RateLimitDecision(true,
				List.of(new RateLimitDecision.State(3, 1), new RateLimitDecision.State(997, 41)));
		assertThat(RateLimitHeaders.rateLimit(LIMITS, decision)).isEqualTo("\"burst\";r=3;t=1, \"daily\";r=997;t=41");
	}

	@Test
	void retryAfterWaitsForEveryExhaustedLimit() {
		RateLimitDecision decision = new RateLimitDecision(false,
				List.of(new RateLimitDecision.State(0, 1), new RateLimitDecision.State(0, 3600)));
		assertThat(RateLimitHeaders.retryAfter(LIMITS, decision)).isEqualTo(3600);
		RateLimitDecision burstOnly = new RateLimitDecision(false,
				List.of(new RateLimitDecision.State(0, 1), new RateLimitDecision.State(10, 3600)));
		assertThat(RateLimitHeaders.retryAfter(LIMITS, burstOnly)).isEqualTo(1);
	}

}
