package dev.gatehouse.auth.revocation;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Publishes revocations to Redis when {@code spring.data.redis.host} or
 * {@code spring.data.redis.url} is set; otherwise revocations stay in this service's
 * database and gateways cannot learn them.
 */
@Configuration(proxyBeanMethods = false)
class RevocationConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RevocationConfiguration.class);

	@Bean
	RevocationPublisher revocationPublisher(Environment environment, ObjectProvider<StringRedisTemplate> redis,
			Clock clock) {
		if (environment.containsProperty("spring.data.redis.host")
				|| environment.containsProperty("spring.data.redis.url")) {
			logger.info("Publishing revocations to Redis (keys gatehouse:revoked:*, channel {})",
					RedisRevocationPublisher.CHANNEL);
			return new RedisRevocationPublisher(redis.getObject(), clock);
		}
		logger.warn(
				"Redis is not configured (spring.data.redis.host): revocations are enforced by the auth-service only; "
						+ "gateways will accept revoked access tokens until they expire");
		return new RevocationPublisher() {
			@Override
			public boolean enabled() {
				return false;
			}

			@Override
			public void publish(RevocationEvent event) {
			}
		};
	}

}
