package dev.gatehouse.gateway.revocation;

import java.time.Clock;

import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.gateway.config.GatehouseProperties;
import dev.gatehouse.gateway.redis.RedisConnectionReadiness;
import dev.gatehouse.gateway.security.TokenRevocationCheck;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import dev.gatehouse.gateway.redis.RedisConfiguredCondition;

/**
 * Revocation enforcement: with Redis configured ({@link RedisConfiguredCondition}) the
 * gateway keeps a {@link RevocationView} current from what the auth-service writes there;
 * without it, it warns that revocation is not enforced and accepts every valid token
 * until it expires.
 */
@Configuration(proxyBeanMethods = false)
class RevocationConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RevocationConfiguration.class);

	@Configuration(proxyBeanMethods = false)
	@Conditional(RedisConfiguredCondition.class)
	static class RedisRevocation {

		@Bean
		RevocationView revocationView(Clock clock, GatehouseProperties properties) {
			return new RevocationView(clock, properties.clockSkew(), properties.maxTokenLifetime());
		}

		@Bean
		RedisRevocationSync redisRevocationSync(RevocationView view, ReactiveStringRedisTemplate redis,
				ReactiveRedisConnectionFactory connections, RedisConnectionReadiness readiness,
				ClientResources clientResources, GatehouseProperties properties, Clock clock, MeterRegistry meters) {
			log.info("Enforcing revocations published in Redis (keys {}*, channel {})", RedisRevocationSync.KEY_PREFIX,
					RedisRevocationSync.CHANNEL);
			return new RedisRevocationSync(view, redis, connections, readiness, clientResources,
					properties.revocation().resyncInterval(), clock, meters);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(RedisConfiguredCondition.Not.class)
	static class NoRevocation {

		@Bean
		TokenRevocationCheck noRevocation() {
			log.warn("Redis is not configured (" + RedisConfiguredCondition.KEYS
					+ "): revocation is NOT enforced; a revoked access " + "token is accepted until it expires");
			return TokenRevocationCheck.NONE;
		}

	}

}
