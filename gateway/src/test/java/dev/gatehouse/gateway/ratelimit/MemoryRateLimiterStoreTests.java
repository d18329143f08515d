package dev.gatehouse.gateway.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.gatehouse.gateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryRateLimiterStoreTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

	private final MemoryRateLimiterStore store = new MemoryRateLimiterStore(this.clock, 1_000_000);

	private static final RateLimit FIVE_PER_MINUTE = new RateLimit("default", 5, Duration.ofSeconds(60),
			RateLimit.Key.SUBJECT);

	@Test
	void admitsExactlyTheBudgetThenRefusesUntilTheWindowEnds() {
		for (int i = 0; i < 5; i++) {
			RateLimitDecision decision = this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("alice"));
			assertThat(decision.allowed()).isTrue();
			assertThat(decision.states().get(0).remaining()).isEqualTo(4 - i);
			assertThat(decision.states().get(0).resetSeconds()).isEqualTo(60);
		}
		this.clock.advance(Duration.ofSeconds(19));
		RateLimitDecision refused = this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("alice"));
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.states().get(0).remaining()).isZero();
		assertThat(refused.states().get(0).resetSeconds()).isEqualTo(41);
		this.clock.advance(Duration.ofSeconds(41));
		assertThat(this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("alice")).allowed()).isTrue();
	}

	@Test
	void theNumberOfTrackedKeysIsBoundedByTheConfiguredMaximum() {
		MemoryRateLimiterStore small = new MemoryRateLimiterStore(this.clock, 100);
		for (int i = 0; i < 1000; i++) {
			small.decide("r", List.of(FIVE_PER_MINUTE), List.of("client-" + i));
		}
		assertThat(small.trackedKeys()).isLessThanOrEqualTo(100);
	}

	@Test
	void keysAndRoutesCountSeparately() {
		for (int i = 0; i < 5; i++) {
			this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("alice"));
		}
		assertThat(this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("bob")).allowed()).isTrue();
		assertThat(this.store.decide("other", List.of(FIVE_PER_MINUTE), List.of("alice")).allowed()).isTrue();
	}

	@Test
	void aRefusedRequestIsCountedAgainstNoLimit() {
		RateLimit burst = new RateLimit("burst", 2, Duration.ofSeconds(1), RateLimit.Key.SUBJECT);
		RateLimit quota = new RateLimit("quota", 3, Duration.ofHours(1), RateLimit.Key.SUBJECT);
		List<RateLimit> limits = List.of(burst, quota);
		List<String> keys = List.of("alice", "alice");
		assertThat(this.store.decide("r", limits, keys).allowed()).isTrue();
		assertThat(this.store.decide("r", limits, keys).allowed()).isTrue();
		RateLimitDecision refusedByBurst = this.store.decide("r", limits, keys);
		assertThat(refusedByBurst.allowed()).isFalse();
		// the burst refusal did not eat into the hourly quota
		assertThat(refusedByBurst.states().get(1).remaining()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.store.decide("r", limits, keys).allowed()).isTrue();
		this.clock.advance(Duration.ofSeconds(1));
		RateLimitDecision refusedByQuota = this.store.decide("r", limits, keys);
		assertThat(refusedByQuota.allowed()).isFalse();
		assertThat(refusedByQuota.states().get(0).remaining()).isEqualTo(2);
	}

	@Test
	void twoHundredSimultaneousRequestsAgainstALimitOfTenAdmitTen() throws Exception {
		RateLimit ten = new RateLimit("default", 10, Duration.ofSeconds(60), RateLimit.Key.ROUTE);
		ExecutorService pool = Executors.newFixedThreadPool(16);
		CountDownLatch go = new CountDownLatch(1);
		try {
			List<Future<Boolean>> calls = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				calls.add(pool.submit(() -> {
					go.await();
					return this.store.consume("r", List.of(ten), List.of("route")).block().allowed();
				}));
			}
			go.countDown();
			int admitted = 0;
			for (Future<Boolean> call : calls) {
				admitted += call.get(10, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(admitted).isEqualTo(10);
		}
		finally {
			pool.shutdownNow();
		}
	}

}
