package dev.gatehouse.auth.dpop;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.gatehouse.auth.RedisConfiguredCondition;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The proof validator, its nonces and its replay cache (shared through Redis when Redis
 * is configured, {@link RedisConfiguredCondition}).
 */
@Configuration(proxyBeanMethods = false)
class DpopConfiguration {

	@Bean
	DpopNonces dpopNonces(DpopProperties properties, Clock clock) {
		return new DpopNonces(properties.nonce(), clock);
	}

	@Bean
	ProofReplayCache dpopProofReplayCache(DpopProperties properties, Clock clock, Environment environment,
			ObjectProvider<StringRedisTemplate> redis, ObjectProvider<MeterRegistry> meters) {
		return new ProofReplayCache(properties.replayCache().maxEntries(),
				properties.maxAge().plus(properties.clockSkew()), clock,
				RedisConfiguredCondition.isRedisConfigured(environment) ? redis.getObject() : null,
				meters.getIfAvailable(SimpleMeterRegistry::new));
	}

	@Bean
	DpopProofValidator dpopProofValidator(DpopProperties properties, DpopNonces nonces, ProofReplayCache replays,
			Clock clock) {
		return new DpopProofValidator(properties, nonces, replays, clock);
	}

}
