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
 * Failed-login counters in Redis, shared by every auth-service instance: a limit of 5 failures means 5 in total, on
 * whichever instances they land. One key per username and client address,
 * {@code gatehouse:login-failures:<sha-256 of "username\naddress">} (no username or address stored in clear), holding
 * the failure count and expiring with the window that began at the first failure.
 */
final class RedisLoginFailures {

	static final String KEY_PREFIX = "gatehouse:login-failures:";

	/** Counts one failure; the first one starts the window. */
	private static final RedisScript<Long> RECORD = RedisScript.of("""
			local n = redis.call('INCR', KEYS[1])
			if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
			return n""", Long.class);

	/** Milliseconds until the window ends once the limit is reached, else 0. */
	private static final RedisScript<Long> BLOCKED_FOR = RedisScript.of("""
			local n = tonumber(redis.call('GET', KEYS[1]) or '0')
			if n < tonumber(ARGV[1]) then return 0 end
			local ttl = redis.call('PTTL', KEYS[1])
			if ttl < 0 then return 0 end
			return ttl""", Long.class);

	private final StringRedisTemplate redis;

	RedisLoginFailures(StringRedisTemplate redis) {
		this.redis = redis;
	}

	Duration blockedFor(String key, int maxFailures) {
		Long millis = this.redis.execute(BLOCKED_FOR, List.of(redisKey(key)), Integer.toString(maxFailures));
		return (millis == null || millis <= 0) ? Duration.ZERO : Duration.ofMillis(millis);
	}

	void recordFailure(String key, Duration window) {
		this.redis.execute(RECORD, List.of(redisKey(key)), Long.toString(window.toMillis()));
	}

	void clear(String key) {
		this.redis.delete(redisKey(key));
	}

	static String redisKey(String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
			return KEY_PREFIX + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
