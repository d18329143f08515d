package dev.gatehouse.auth.revocation;

import java.time.Clock;
import java.time.Duration;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Writes each revocation to Redis as a key with a TTL (so a gateway that starts or reconnects can load them with
 * {@code SCAN}) and announces it on a pub/sub channel (so running gateways learn it at once).
 * <ul>
 * <li>{@code gatehouse:revoked:jti:<jti>} = expiry of that access token (epoch seconds)</li>
 * <li>{@code gatehouse:revoked:sid:<family id>} = epoch second until which the family's access tokens could live</li>
 * <li>{@code gatehouse:revoked:user:<username>} = "not before" epoch second: tokens with an earlier {@code iat} are revoked</li>
 * <li>channel {@code gatehouse:revocations}: {@code <kind> <subject> <value>}, e.g. {@code jti 6f1c… 1767225600}</li>
 * </ul>
 */
class RedisRevocationPublisher implements RevocationPublisher {

	static final String KEY_PREFIX = "gatehouse:revoked:";

	static final String CHANNEL = "gatehouse:revocations";

	private final StringRedisTemplate redis;

	private final Clock clock;

	RedisRevocationPublisher(StringRedisTemplate redis, Clock clock) {
		this.redis = redis;
		this.clock = clock;
	}

	static String key(RevocationEvent event) {
		return KEY_PREFIX + event.kind().id() + ":" + event.subject();
	}

	static String message(RevocationEvent event) {
		return event.kind().id() + " " + event.subject() + " " + event.value();
	}

	@Override
	public boolean enabled() {
		return true;
	}

	@Override
	public void connect() {
		this.redis.execute((RedisCallback<String>) (connection) -> connection.ping());
	}

	@Override
	public void publish(RevocationEvent event) {
		Duration ttl = Duration.between(this.clock.instant(), event.expiresAt());
		if (ttl.isNegative() || ttl.isZero()) {
			return;
		}
		this.redis.opsForValue().set(key(event), Long.toString(event.value()), ttl);
		this.redis.convertAndSend(CHANNEL, message(event));
	}

}
