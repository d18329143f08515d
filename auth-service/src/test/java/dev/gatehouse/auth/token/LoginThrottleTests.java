package dev.gatehouse.auth.token;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.support.MutableClock;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Attempts are reserved before the password check: the limit holds for concurrent
 * attempts too.
 */
class LoginThrottleTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final LoginThrottle throttle = new LoginThrottle("login", "Too many",
			new AuthProperties.Throttle(5, Duration.ofSeconds(60)), this.clock, null, new SimpleMeterRegistry());

	@Test
	void concurrentAttemptsReserveAtMostMaxFailuresChecks() throws Exception {
		assertThat(reserveConcurrently(24, () -> this.throttle.reserve("ann", "203.0.113.1"))).isEqualTo(5);
	}

	@Test
	void aFailureKeepsItsReservationAndTheLimitRefusesWithRetryAfter() {
		for (int i = 0; i < 5; i++) {
			try (LoginThrottle.Attempt attempt = this.throttle.reserve("bob", "203.0.113.2")) {
				attempt.failed();
			}
		}
		this.clock.advance(Duration.ofSeconds(20));
		assertThatExceptionOfType(OAuthException.class).isThrownBy(() -> this.throttle.reserve("BOB", "203.0.113.2"))
			.satisfies((ex) -> {
				assertThat(ex.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
				assertThat(ex.error()).isEqualTo(OAuthException.SLOW_DOWN);
				assertThat(ex.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("40");
			});
		this.throttle.reserve("bob", "198.51.100.2").close();
		this.clock.advance(Duration.ofSeconds(41));
		this.throttle.reserve("bob", "203.0.113.2").close();
	}

	@Test
	void anUnsettledAttemptGivesItsReservationBackAndASuccessClearsTheCount() {
		for (int i = 0; i < 20; i++) {
			this.throttle.reserve("cid", "203.0.113.3").close();
		}
		for (int i = 0; i < 4; i++) {
			try (LoginThrottle.Attempt attempt = this.throttle.reserve("cid", "203.0.113.3")) {
				attempt.failed();
			}
		}
		try (LoginThrottle.Attempt attempt = this.throttle.reserve("cid", "203.0.113.3")) {
			attempt.succeeded();
		}
		for (int i = 0; i < 5; i++) {
			try (LoginThrottle.Attempt attempt = this.throttle.reserve("cid", "203.0.113.3")) {
				attempt.failed();
			}
		}
		assertThatExceptionOfType(OAuthException.class).isThrownBy(() -> this.throttle.reserve("cid", "203.0.113.3"));
	}

	/**
	 * Starts the calls at once; each reservation is held (never closed). @return how many
	 * were granted
	 */
	static int reserveConcurrently(int attempts, Callable<LoginThrottle.Attempt> reserve) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(attempts);
		CountDownLatch go = new CountDownLatch(1);
		try {
			List<Future<Boolean>> results = new ArrayList<>();
			for (int i = 0; i < attempts; i++) {
				results.add(pool.submit(() -> {
					go.await();
					try {
						reserve.call();
						return true;
					}
					catch (OAuthException ex) {
						return false;
					}
				}));
			}
			go.countDown();
			int granted = 0;
			for (Future<Boolean> result : results) {
				granted += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
			}
			return granted;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
