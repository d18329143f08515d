package dev.gatehouse.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Resilience4j-backed store. Its limiters read {@code System.nanoTime()}
 * (Resilience4j 2.3 takes no time source), so the one test about a new period waits for a
 * one-second period to pass instead of moving a clock.
 */
class MemoryRateLimiterStoreTests {

	private final MemoryRateLimiterStore store = new MemoryRateLimiterStore(1_000_000);

	private static final RateLimit FIVE_PER_MINUTE = new RateLimit("default", 5, Duration.ofSeconds(60),
			RateLimit.Key.SUBJECT);

	@Test
	void admitsExactlyTheBudgetThenRefusesWithTheTimeLeftInThePeriod() {
		for (int i = 0; i < 5; i++) {
			RateLimitDecision decision = this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("alice"));
			assertThat(decision.allowed()).isTrue();
			assertThat(decision.states().get(0).remaining()).isEqualTo(4 - i);
			assertThat(decision.states().get(0).resetSeconds()).isBetween(59L, 60L);
		}
		RateLimitDecision refused = this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("alice"));
		assertThat(refused.allowed()).isFalse();
		assertThat(refused.states().get(0).remaining()).isZero();
		assertThat(refused.states().get(0).resetSeconds()).isBetween(59L, 60L);
	}

	@Test
	void theNextPeriodAdmitsAgain() {
		RateLimit twoPerSecond = new RateLimit("default", 2, Duration.ofSeconds(1), RateLimit.Key.SUBJECT);
		assertThat(this.store.decide("r", List.of(twoPerSecond), List.of("alice")).allowed()).isTrue();
		assertThat(this.store.decide("r", List.of(twoPerSecond), List.of("alice")).allowed()).isTrue();
		assertThat(this.store.decide("r", List.of(twoPerSecond), List.of("alice")).allowed()).isFalse();
		await().atMost(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.store.decide("r", List.of(twoPerSecond), List.of("alice")).allowed());
	}

	@Test
	void theNumberOfTrackedKeysIsBoundedByTheConfiguredMaximum() {
		MemoryRateLimiterStore small = new MemoryRateLimiterStore(100);
		for (int i = 0; i < 1000; i++) {
			small.decide("r", List.of(FIVE_PER_MINUTE), List.of("client-" + i));
		}
		assertThat(small.trackedKeys()).isLessThanOrEqualTo(100);
	}

	@Test
	void keysRoutesAndLimitNamesCountSeparately() {
		for (int i = 0; i < 5; i++) {
			this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("alice"));
		}
		assertThat(this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("alice")).allowed()).isFalse();
		assertThat(this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("bob")).allowed()).isTrue();
		assertThat(this.store.decide("other", List.of(FIVE_PER_MINUTE), List.of("alice")).allowed()).isTrue();
		RateLimit gold = new RateLimit("gold", 5, Duration.ofSeconds(60), RateLimit.Key.SUBJECT);
		assertThat(this.store.decide("r", List.of(gold), List.of("alice")).allowed()).isTrue();
	}

	@Test
	void aRefusedRequestIsCountedAgainstNoLimit() {
		RateLimit quota = new RateLimit("quota", 3, Duration.ofHours(1), RateLimit.Key.SUBJECT);
		RateLimit burst = new RateLimit("burst", 2, Duration.ofHours(1), RateLimit.Key.SUBJECT);
		List<RateLimit> limits = List.of(quota, burst);
		List<String> keys = List.of("alice", "alice");
		assertThat(this.store.decide("r", limits, keys).allowed()).isTrue();
		assertThat(this.store.decide("r", limits, keys).allowed()).isTrue();
		RateLimitDecision refusedByBurst = this.store.decide("r", limits, keys);
		assertThat(refusedByBurst.allowed()).isFalse();
		// the quota comes first, yet the burst's refusal did not take from it
		assertThat(refusedByBurst.states().get(0).remaining()).isEqualTo(1);
		assertThat(refusedByBurst.states().get(1).remaining()).isZero();
	}

	@Test
	void aReloadedLimitWithAnotherBudgetAppliesAtOnce() {
		for (int i = 0; i < 5; i++) {
			this.store.decide("r", List.of(FIVE_PER_MINUTE), List.of("alice"));
		}
		RateLimit raised = new RateLimit("default", 50, Duration.ofSeconds(60), RateLimit.Key.SUBJECT);
		RateLimitDecision decision = this.store.decide("r", List.of(raised), List.of("alice"));
		assertThat(decision.allowed()).isTrue();
		assertThat(decision.states().get(0).remaining()).isEqualTo(49);
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
