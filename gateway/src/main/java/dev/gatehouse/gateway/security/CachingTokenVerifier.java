package dev.gatehouse.gateway.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import reactor.core.publisher.Mono;

/**
 * Remembers verified tokens so a repeated token is not verified twice. Bounded in size,
 * keyed by the SHA-256 of the token (the token itself is never stored), and an entry
 * never outlives its token: it expires at {@code exp} and a hit is re-checked against the
 * clock. Only successes are cached; revocation is checked by the caller on every request.
 */
final class CachingTokenVerifier implements TokenVerifier {

	private final TokenVerifier delegate;

	private final Clock clock;

	private final Cache<TokenDigest, VerifiedToken> cache;

	public CachingTokenVerifier(TokenVerifier delegate, Clock clock, long maximumSize) {
		this.delegate = delegate;
		this.clock = clock;
		// Caffeine's upkeep on the calling thread: by default it goes to the common
		// fork-join pool, which wakes a thread every few requests (a context switch each
		// time on a busy core); here it is a few amortised steps on the event loop
		this.cache = Caffeine.newBuilder()
			.executor(Runnable::run)
			.maximumSize(maximumSize)
			.expireAfter(new UntilTokenExpiry(clock))
			.build();
	}

	@Override
	public Mono<VerifiedToken> verify(String token) {
		TokenDigest key = TokenDigest.of(token);
		VerifiedToken cached = this.cache.getIfPresent(key);
		if (cached != null) {
			if (this.clock.instant().isBefore(cached.expiresAt())) {
				return Mono.just(cached);
			}
			this.cache.invalidate(key);
		}
		return this.delegate.verify(token).doOnNext(verified -> this.cache.put(key, verified));
	}

	/** Number of cached tokens (for tests and metrics). */
	long size() {
		this.cache.cleanUp();
		return this.cache.estimatedSize();
	}

	/**
	 * The SHA-256 of a token, as four longs: the cache key, so the token itself is never
	 * kept, and neither encoded nor wrapped per request.
	 */
	record TokenDigest(long a, long b, long c, long d) {

		static TokenDigest of(String token) {
			ByteBuffer bytes = ByteBuffer.wrap(Sha256.digest(token.getBytes(StandardCharsets.US_ASCII)));
			return new TokenDigest(bytes.getLong(), bytes.getLong(), bytes.getLong(), bytes.getLong());
		}

		// written out: a record's generated methods go through method handles, which
		// showed in profiles of this lookup (made on every request with a token)
		@Override
		public int hashCode() {
			// the digest's bits are uniformly distributed already
			return (int) this.a;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof TokenDigest that && this.a == that.a && this.b == that.b && this.c == that.c
					&& this.d == that.d;
		}

	}

	/** Entry lifetime: until the token's {@code exp} as seen by the injected clock. */
	private record UntilTokenExpiry(Clock clock) implements Expiry<TokenDigest, VerifiedToken> {

		@Override
		public long expireAfterCreate(TokenDigest key, VerifiedToken value, long currentTime) {
			Duration left = Duration.between(this.clock.instant(), value.expiresAt());
			return left.isNegative() ? 0 : left.toNanos();
		}

		@Override
		public long expireAfterUpdate(TokenDigest key, VerifiedToken value, long currentTime, long currentDuration) {
			return expireAfterCreate(key, value, currentTime);
		}

		@Override
		public long expireAfterRead(TokenDigest key, VerifiedToken value, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
