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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * Limits attempts per subject (a username, or a client id) and client address in a fixed
 * window that starts at the first attempt. An attempt is reserved before the password is
 * checked, atomically, so concurrent attempts can never check more than
 * {@code max-failures} passwords; a failure keeps its reservation, a success clears the
 * count, an attempt that ended otherwise gives its reservation back. Once the limit is
 * reached every attempt, right password or not, is refused until the window has passed.
 * Counted in memory (bounded) and, when Redis is configured, also in Redis, so the limit
 * holds across auth-service instances. When Redis fails the throttle goes on with this
 * instance's own counts and leaves Redis alone for a few seconds, so logins never queue
 * behind a dead Redis.
 */
class LoginThrottle {

	private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

	private static final int MAX_TRACKED = 100_000;

	/** How long Redis is left alone after it failed. */
	static final Duration SHARED_BACKOFF = Duration.ofSeconds(5);

	private final String name;

	private final String refusal;

	private final RedisLoginFailures shared;

	private final Counter sharedFailures;

	private final AtomicLong sharedRetryAt = new AtomicLong();

	private final int maxFailures;

	private final Duration window;

	private final Clock clock;

	private final Cache<String, Window> attempts;

	/**
	 * @param name {@code login} or {@code client-auth}: names the metric, the Redis keys
	 * and the log lines
	 * @param refusal the {@code error_description} of a refused attempt
	 */
	LoginThrottle(String name, String refusal, AuthProperties.Throttle settings, Clock clock, RedisLoginFailures shared,
			MeterRegistry meters) {
		this.name = name;
		this.refusal = refusal;
		this.shared = shared;
		this.sharedFailures = Counter.builder("gatehouse.auth." + name + "-throttle.store.failures")
			.description("Redis calls of the " + name + " throttle that failed (this instance's counts were used)")
			.register(meters);
		this.maxFailures = settings.maxFailures();
		this.window = settings.window();
		this.clock = clock;
		this.attempts = Caffeine.newBuilder()
			.maximumSize(MAX_TRACKED)
			.expireAfterWrite(this.window.toNanos(), TimeUnit.NANOSECONDS)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.build();
	}

	/**
	 * Reserves one attempt; close the returned attempt when done (it gives the
	 * reservation back unless it was settled by {@link Attempt#failed()} or
	 * {@link Attempt#succeeded()}).
	 * @throws OAuthException 429 with {@code Retry-After} when the limit is reached
	 */
	Attempt reserve(String subject, String clientAddress) {
		String key = subject.toLowerCase(Locale.ROOT) + '\n' + clientAddress;
		Duration wait = reserveLocally(key);
		boolean reservedShared = false;
		if (wait.isZero()) {
			// null: no Redis, or Redis failing (this instance's count decides)
			Duration everywhere = shared((store) -> store.reserve(this.name, key, this.maxFailures, this.window), null);
			reservedShared = Duration.ZERO.equals(everywhere);
			if (everywhere != null && !reservedShared) {
				releaseLocally(key);
				wait = everywhere;
			}
		}
		if (!wait.isZero()) {
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
			throw new OAuthException(HttpStatus.TOO_MANY_REQUESTS, OAuthException.SLOW_DOWN, this.refusal, headers);
		}
		return new Attempt(key, reservedShared);
	}

	/**
	 * @return how long to wait when the limit is reached, else zero after counting one
	 * more attempt
	 */
	private Duration reserveLocally(String key) {
		Instant now = this.clock.instant();
		boolean[] reserved = { false };
		Window current = this.attempts.asMap().compute(key, (ignored, window) -> {
			if (window == null || !window.endsAt().isAfter(now)) {
				reserved[0] = true;
				return new Window(1, now.plus(this.window));
			}
			if (window.count() < this.maxFailures) {
				reserved[0] = true;
				return new Window(window.count() + 1, window.endsAt());
			}
			return window;
		});
		return reserved[0] ? Duration.ZERO : Duration.between(now, current.endsAt());
	}

	private void releaseLocally(String key) {
		this.attempts.asMap()
			.computeIfPresent(key,
					(ignored, window) -> (window.count() > 1) ? new Window(window.count() - 1, window.endsAt()) : null);
	}

	/**
	 * Runs a Redis call unless Redis is absent or failed recently; a failure is logged
	 * once per backoff and counted.
	 */
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
				log.warn(
						"The {} throttle cannot reach Redis ({}); counting attempts on this instance only for the next {}s",
						this.name, ex.getClass().getSimpleName(), SHARED_BACKOFF.toSeconds());
			}
			return fallback;
		}
	}

	private record Window(int count, Instant endsAt) {
	}

	/** One reserved attempt. */
	final class Attempt implements AutoCloseable {

		private final String key;

		private final boolean reservedShared;

		private boolean settled;

		private Attempt(String key, boolean reservedShared) {
			this.key = key;
			this.reservedShared = reservedShared;
		}

		/** The password was wrong: the reservation stays, as a failure. */
		void failed() {
			this.settled = true;
		}

		/** The password was right: the count starts over, here and in Redis. */
		void succeeded() {
			this.settled = true;
			LoginThrottle.this.attempts.invalidate(this.key);
			shared((store) -> {
				store.clear(LoginThrottle.this.name, this.key);
				return null;
			}, null);
		}

		/** Gives the reservation back unless the attempt was settled. */
		@Override
		public void close() {
			if (this.settled) {
				return;
			}
			this.settled = true;
			releaseLocally(this.key);
			if (this.reservedShared) {
				shared((store) -> {
					store.release(LoginThrottle.this.name, this.key);
					return null;
				}, null);
			}
		}

	}

}
