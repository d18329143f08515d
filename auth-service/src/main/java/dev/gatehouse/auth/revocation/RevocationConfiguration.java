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

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.RedisConfiguredCondition;

/**
 * Publishes revocations to Redis when Redis is configured
 * ({@link RedisConfiguredCondition}); otherwise revocations stay in this service's
 * database and gateways cannot learn them.
 */
@Configuration(proxyBeanMethods = false)
class RevocationConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RevocationConfiguration.class);

	/**
	 * The periodic jobs, at the intervals of {@link AuthProperties}: housekeeping (first
	 * run one interval after start) and the outbox retry.
	 */
	@Bean
	SchedulingConfigurer revocationSchedules(Housekeeping housekeeping, RevocationRelay relay,
			AuthProperties properties) {
		return (registrar) -> {
			registrar.addFixedDelayTask(new FixedDelayTask(housekeeping::purge, properties.housekeepingInterval(),
					properties.housekeepingInterval()));
			registrar.addFixedDelayTask(relay::retry, properties.revocationRetryInterval());
		};
	}

	@Bean
	RevocationPublisher revocationPublisher(Environment environment, ObjectProvider<StringRedisTemplate> redis,
			Clock clock) {
		if (RedisConfiguredCondition.isRedisConfigured(environment)) {
			logger.info("Publishing revocations to Redis (keys gatehouse:revoked:*, channel {})",
					RedisRevocationPublisher.CHANNEL);
			return new RedisRevocationPublisher(redis.getObject(), clock);
		}
		logger.warn("Redis is not configured (" + RedisConfiguredCondition.KEYS
				+ "): revocations are enforced by the auth-service only; "
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
