package dev.gatehouse.auth.dpop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The proof ids ({@code jti}) already used, each remembered for as long as its proof
 * could still be accepted (max-age plus clock-skew). Always in a bounded in-memory cache;
 * with Redis configured also in Redis ({@code SET <key> 1 NX PX <ttl>}, one key, so it
 * works on Redis Cluster too), which makes a proof single-use across every instance.
 * <p>
 * When Redis fails, this instance's own memory decides and the failure is logged and
 * counted ({@code gatehouse.dpop.replay.store.failures}): logins keep working through a
 * Redis outage, as they do for the login throttle. What a proof replayed on another
 * instance during the outage gains is small: a token issued for it is bound to the key of
 * the proof, which the replayer does not hold.
 */
public final class ProofReplayCache {

	private static final Logger logger = LoggerFactory.getLogger(ProofReplayCache.class);

	static final String KEY_PREFIX = "gatehouse:auth:dpop:jti:";

	private final Cache<String, Boolean> memory;

	private final StringRedisTemplate redis;

	private final Duration ttl;

	private final Counter storeFailures;

	/**
	 * @param maxEntries the memory bound
	 * @param ttl how long a proof id is remembered
	 * @param clock the clock entries expire by
	 * @param redis Redis, or {@code null} when it is not configured
	 * @param meters where the failure counter goes
	 */
	public ProofReplayCache(int maxEntries, Duration ttl, Clock clock, StringRedisTemplate redis,
			MeterRegistry meters) {
		this.memory = Caffeine.newBuilder()
			.maximumSize(maxEntries)
			.expireAfterWrite(ttl)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.executor(Runnable::run)
			.build();
		this.redis = redis;
		this.ttl = ttl;
		this.storeFailures = Counter.builder("gatehouse.dpop.replay.store.failures")
			.description("Redis calls of the DPoP proof replay cache that failed (this instance's memory decided)")
			.register(meters);
	}

	/**
	 * Records a proof id.
	 * @param jkt the thumbprint of the proof's key
	 * @param jti the proof's id
	 * @return {@code true} the first time, {@code false} when it was used before
	 */
	public boolean firstUse(String jkt, String jti) {
		String key = KEY_PREFIX + sha256(jkt + ":" + jti);
		if (this.memory.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
			return false;
		}
		if (this.redis == null) {
			return true;
		}
		try {
			return !Boolean.FALSE
				.equals(this.redis.opsForValue().setIfAbsent(key, "1", this.ttl.toMillis(), TimeUnit.MILLISECONDS));
		}
		catch (DataAccessException ex) {
			this.storeFailures.increment();
			logger.warn("DPoP replay cache: Redis failed ({}); this instance's memory decided",
					ex.getClass().getName());
			return true;
		}
	}

	private static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
