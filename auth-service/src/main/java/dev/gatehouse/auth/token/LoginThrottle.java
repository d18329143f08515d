package dev.gatehouse.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Counts failed logins per username and client address in a fixed window that starts at the first failure. Once the
 * limit is reached every attempt, right password or not, is refused until the window has passed. Counted in memory
 * (bounded) and, when Redis is configured, also in Redis, so the limit holds across auth-service instances. When Redis
 * fails the throttle goes on with this instance's own counts and leaves Redis alone for a few seconds, so logins never
 * queue behind a dead Redis.
 */
@Component
class LoginThrottle {

	private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

	private static final int MAX_TRACKED = 100_000;

	/** How long Redis is left alone after it failed. */
	static final Duration SHARED_BACKOFF = Duration.ofSeconds(5);

	private final RedisLoginFailures shared;

	private final Counter sharedFailures;

	private final AtomicLong sharedRetryAt = new AtomicLong();

	private final int maxFailures;

	private final Duration window;

	private final Clock clock;

	private final Cache<String, Window> failures;

	@Autowired
	LoginThrottle(AuthProperties properties, Clock clock, ObjectProvider<RedisLoginFailures> shared,
			ObjectProvider<MeterRegistry> meters) {
		this(properties, clock, shared.getIfAvailable(), meters.getIfAvailable(SimpleMeterRegistry::new));
	}

	LoginThrottle(AuthProperties properties, Clock clock, RedisLoginFailures shared, MeterRegistry meters) {
		this.shared = shared;
		this.sharedFailures = Counter.builder("gatehouse.auth.login-throttle.store.failures")
			.description("Redis calls of the login throttle that failed (this instance's counts were used)")
			.register(meters);
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
		String key = key(username, clientAddress);
		Duration local = localRetryAfter(key);
		Duration everywhere = shared((store) -> store.blockedFor(key, this.maxFailures), Duration.ZERO);
		return (everywhere.compareTo(local) > 0) ? everywhere : local;
	}

	private Duration localRetryAfter(String key) {
		Window current = this.failures.getIfPresent(key);
		Instant now = this.clock.instant();
		if (current == null || current.count() < this.maxFailures || !current.endsAt().isAfter(now)) {
			return Duration.ZERO;
		}
		return Duration.between(now, current.endsAt());
	}

	void recordFailure(String username, String clientAddress) {
		String key = key(username, clientAddress);
		Instant now = this.clock.instant();
		this.failures.asMap().compute(key, (ignored, current) -> {
			if (current == null || !current.endsAt().isAfter(now)) {
				return new Window(1, now.plus(this.window));
			}
			return new Window(current.count() + 1, current.endsAt());
		});
		shared((store) -> {
			store.recordFailure(key, this.window);
			return null;
		}, null);
	}

	void recordSuccess(String username, String clientAddress) {
		String key = key(username, clientAddress);
		this.failures.invalidate(key);
		shared((store) -> {
			store.clear(key);
			return null;
		}, null);
	}

	/** Runs a Redis call unless Redis is absent or failed recently; a failure is logged once per backoff and counted. */
	private <T> T shared(Function<RedisLoginFailures, T> call, T fallback) {
		long now = this.clock.millis();
		long retryAt = this.sharedRetryAt.get();
		if (this.shared == null || now < retryAt) {
			return fallback;
		}
		try {
			return call.apply(this.shared);
		}
		catch (RuntimeException ex) {
			this.sharedFailures.increment();
			if (this.sharedRetryAt.compareAndSet(retryAt, now + SHARED_BACKOFF.toMillis())) {
				log.warn("Login throttle cannot reach Redis ({}); counting failed logins on this instance only for the next {}s",
						ex.getClass().getSimpleName(), SHARED_BACKOFF.toSeconds());
			}
			return fallback;
		}
	}

	private static String key(String username, String clientAddress) {
		return username.toLowerCase(Locale.ROOT) + '\n' + clientAddress;
	}

	private record Window(int count, Instant endsAt) {
	}

}
