package dev.gatehouse.auth.revocation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Writes each revocation to Redis as a key with a TTL (so a gateway that starts or
 * reconnects can load them with {@code SCAN}) and announces it on a pub/sub channel (so
 * running gateways learn it at once).
 * <ul>
 * <li>{@code gatehouse:revoked:jti:<jti>} = expiry of that access token (epoch
 * seconds)</li>
 * <li>{@code gatehouse:revoked:sid:<family id>} = epoch second until which the family's
 * access tokens could live</li>
 * <li>{@code gatehouse:revoked:user:<iss>:<username>} = "not before" epoch second: tokens
 * of that issuer and subject with an earlier {@code iat} are revoked; issuer and username
 * are each form-encoded (UTF-8), so neither contains {@code :} or a space and the pair
 * reads back unambiguously</li>
 * <li>channel {@code gatehouse:revocations}: {@code <kind> <subject> <value>}, with the
 * subject as in the key, e.g. {@code jti 6f1c… 1767225600},
 * {@code user https%3A%2F%2Fauth.example.com:alice 1767224701}</li>
 * </ul>
 * Each key lives until no gateway accepts a token it concerns:
 * {@link RevocationEvent#expiresAt()}.
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
		return KEY_PREFIX + event.kind().id() + ":" + subject(event);
	}

	static String message(RevocationEvent event) {
		return event.kind().id() + " " + subject(event) + " " + event.value();
	}

	/**
	 * A jti or sid as it is (a UUID of ours); a user as {@code <iss>:<sub>}, each
	 * form-encoded.
	 */
	static String subject(RevocationEvent event) {
		if (event.kind() != RevocationEvent.Kind.USER) {
			return event.subject();
		}
		return URLEncoder.encode(event.issuer(), StandardCharsets.UTF_8) + ":"
				+ URLEncoder.encode(event.subject(), StandardCharsets.UTF_8);
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
