package dev.gatehouse.gateway.security.dpop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.core.types.Expiration;

import dev.gatehouse.gateway.redis.RedisConnectionReadiness;

/**
 * Remembers every accepted proof's {@code jti} (with its key's thumbprint) for
 * {@code max-age + clock-skew}, so a proof is used once. A bounded in-memory cache
 * answers a replay to this instance at once; with Redis configured, a proof new to this
 * instance is then claimed in Redis ({@code SET key 1 NX PX <window>}, one key, so it
 * works on Redis Cluster), which every instance shares. Redis not answering fails closed:
 * {@link DpopReplayCheckUnavailableException} (503), never an accepted replay.
 */
final class DpopReplayCache {

	/** Prefix of the Redis keys, shared with the auth-service's proofs. */
	static final String KEY_PREFIX = "gatehouse:dpop:jti:";

	private static final Mono<Boolean> FIRST_USE = Mono.just(Boolean.TRUE);

	private static final Mono<Boolean> REPLAYED = Mono.just(Boolean.FALSE);

	private static final ByteBuffer ONE = ByteBuffer.wrap(new byte[] { '1' }).asReadOnlyBuffer();

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private final Cache<Key, Boolean> seen;

	private final Expiration expiration;

	private final RedisConnectionReadiness redis;

	private final Duration timeout;

	/**
	 * @param maxEntries most identifiers kept in memory
	 * @param window how long an identifier is remembered
	 * @param clock the clock (also the in-memory cache's time source)
	 * @param redis the shared Redis connection, or {@code null} for memory only
	 * @param timeout bound of each Redis call
	 */
	DpopReplayCache(long maxEntries, Duration window, Clock clock, RedisConnectionReadiness redis, Duration timeout) {
		// Caffeine's upkeep on the calling thread, not the common fork-join pool, which
		// wakes a thread every few requests (see CachingTokenVerifier)
		this.seen = Caffeine.newBuilder()
			.executor(Runnable::run)
			.maximumSize(maxEntries)
			.expireAfterWrite(window)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.build();
		this.expiration = Expiration.milliseconds(window.toMillis());
		this.redis = redis;
		this.timeout = timeout;
	}

	/**
	 * @param thumbprint the proof key's thumbprint
	 * @param jti the proof's identifier
	 * @return {@code true} when this is the proof's first use, {@code false} for a
	 * replay; or {@link DpopReplayCheckUnavailableException} when Redis cannot tell
	 */
	Mono<Boolean> firstUse(byte[] thumbprint, String jti) {
		byte[] digest = ProofKey.sha256(BASE64URL.encodeToString(thumbprint) + ":" + jti);
		if (this.seen.asMap().putIfAbsent(Key.of(digest), Boolean.TRUE) != null) {
			return REPLAYED;
		}
		if (this.redis == null) {
			return FIRST_USE;
		}
		ReactiveRedisConnection connection = this.redis.connection();
		if (connection == null) {
			return Mono.error(new DpopReplayCheckUnavailableException(new IllegalStateException("not connected")));
		}
		ByteBuffer key = ByteBuffer
			.wrap((KEY_PREFIX + HexFormat.of().formatHex(digest)).getBytes(StandardCharsets.US_ASCII));
		return connection.stringCommands()
			.set(key, ONE.duplicate(), this.expiration, SetOption.SET_IF_ABSENT)
			.timeout(this.timeout)
			.defaultIfEmpty(Boolean.FALSE)
			.onErrorMap((ex) -> new DpopReplayCheckUnavailableException(ex));
	}

	/** Number of identifiers held in memory (for tests). */
	long size() {
		this.seen.cleanUp();
		return this.seen.estimatedSize();
	}

	/** The SHA-256 of thumbprint and jti as four longs: nothing else is kept. */
	private record Key(long a, long b, long c, long d) {

		static Key of(byte[] digest) {
			ByteBuffer bytes = ByteBuffer.wrap(digest);
			return new Key(bytes.getLong(), bytes.getLong(), bytes.getLong(), bytes.getLong());
		}

	}

}
