package dev.gatehouse.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.stereotype.Component;

/**
 * Counts failed logins per username and client address in a fixed window that starts at the first failure. Once the
 * limit is reached every attempt, right password or not, is refused until the window has passed. Bounded in memory;
 * per auth-service instance.
 */
@Component
class LoginThrottle {

	private static final int MAX_TRACKED = 100_000;

	private final int maxFailures;

	private final Duration window;

	private final Clock clock;

	private final Cache<String, Window> failures;

	LoginThrottle(AuthProperties properties, Clock clock) {
		this.maxFailures = properties.loginThrottle().maxFailures();
		this.window = properties.loginThrottle().window();
		this.clock = clock;
		this.failures = Caffeine.newBuilder()
			.maximumSize(MAX_TRACKED)
			.expireAfterWrite(this.window.toNanos(), TimeUnit.NANOSECONDS)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.build();
	}

	/** @return how long the caller must wait, or {@link Duration#ZERO} when an attempt is allowed */
	Duration retryAfter(String username, String clientAddress) {
		Window current = this.failures.getIfPresent(key(username, clientAddress));
		Instant now = this.clock.instant();
		if (current == null || current.count() < this.maxFailures || !current.endsAt().isAfter(now)) {
			return Duration.ZERO;
		}
		return Duration.between(now, current.endsAt());
	}

	void recordFailure(String username, String clientAddress) {
		Instant now = this.clock.instant();
		this.failures.asMap().compute(key(username, clientAddress), (key, current) -> {
			if (current == null || !current.endsAt().isAfter(now)) {
				return new Window(1, now.plus(this.window));
			}
			return new Window(current.count() + 1, current.endsAt());
		});
	}

	void recordSuccess(String username, String clientAddress) {
		this.failures.invalidate(key(username, clientAddress));
	}

	private static String key(String username, String clientAddress) {
		return username.toLowerCase(Locale.ROOT) + '\n' + clientAddress;
	}

	private record Window(int count, Instant endsAt) {
	}

}
