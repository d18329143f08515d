package dev.gatehouse.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Attempt counters of the {@link LoginThrottle}s in Redis, shared by every auth-service
 * instance: a limit of 5 failures means 5 in total, on whichever instances they land. One
 * key per throttle, subject and client address,
 * {@code gatehouse:<throttle>-failures:<sha-256 of "subject\naddress">} (no username or
 * address stored in clear), holding the count of failed and running attempts and expiring
 * with the window that began at the first attempt.
 */
final class RedisLoginFailures {

	/**
	 * Reserves one attempt unless the limit is reached; the first one starts the window.
	 * Returns 0 when reserved, else the milliseconds until the window ends.
	 */
	private static final RedisScript<Long> RESERVE = RedisScript.of("""
			local n = tonumber(redis.call('GET', KEYS[1]) or '0')
			if n >= tonumber(ARGV[1]) then
			  local ttl = redis.call('PTTL', KEYS[1])
			  if ttl > 0 then return ttl end
			  redis.call('PEXPIRE', KEYS[1], ARGV[2])
			  return tonumber(ARGV[2])
			end
			if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
			return 0""", Long.class);

	/** Gives one reservation back (never below zero, never a key without expiry). */
	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
			local n = redis.call('DECR', KEYS[1])
			if n <= 0 then redis.call('DEL', KEYS[1]) end
			return n""", Long.class);

	private final StringRedisTemplate redis;

	RedisLoginFailures(StringRedisTemplate redis) {
		this.redis = redis;
	}

	/**
	 * @return zero when an attempt was reserved, else how long until the window ends
	 */
	Duration reserve(String throttle, String key, int maxFailures, Duration window) {
		Long millis = this.redis.execute(RESERVE, List.of(redisKey(throttle, key)), Integer.toString(maxFailures),
				Long.toString(window.toMillis()));
		return (millis == null || millis <= 0) ? Duration.ZERO : Duration.ofMillis(millis);
	}

	void release(String throttle, String key) {
		this.redis.execute(RELEASE, List.of(redisKey(throttle, key)));
	}

	void clear(String throttle, String key) {
		this.redis.delete(redisKey(throttle, key));
	}

	static String redisKey(String throttle, String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
			return "gatehouse:" + throttle + "-failures:" + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
