package dev.gatehouse.auth.revocation;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.RedisConfiguredCondition;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Publishes revocations to Redis when Redis is configured (a server, a cluster or a
 * Sentinel-managed master: {@link RedisConfiguredCondition}); otherwise revocations stay
 * in this service's database and gateways cannot learn them.
 */
@Configuration(proxyBeanMethods = false)
class RevocationConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RevocationConfiguration.class);

	@Bean
	RevocationPublisher revocationPublisher(Environment environment, ObjectProvider<StringRedisTemplate> redis,
			Clock clock) {
		if (RedisConfiguredCondition.isRedisConfigured(environment)) {
			logger.info("Publishing revocations to Redis (keys gatehouse:revoked:*, channel {})",
					RedisRevocationPublisher.CHANNEL);
			return new RedisRevocationPublisher(redis.getObject(), clock);
		}
		logger.warn(
				"Redis is not configured (spring.data.redis.host, .url, .cluster.nodes or .sentinel.master): revocations are enforced by the auth-service only; "
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
