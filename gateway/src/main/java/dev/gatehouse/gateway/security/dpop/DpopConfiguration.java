package dev.gatehouse.gateway.security.dpop;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.gatehouse.gateway.redis.RedisConnectionReadiness;

/**
 * DPoP: the proof verifier (its algorithms' providers loaded and exercised here, at
 * start-up, not on an event loop), the replay cache (in memory, and in Redis when Redis
 * is configured) and the enforcement the route policy calls.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DpopProperties.class)
public class DpopConfiguration {

	private static final Logger log = LoggerFactory.getLogger(DpopConfiguration.class);

	@Bean
	DpopEnforcement dpopEnforcement(DpopProperties properties, Clock clock,
			ObjectProvider<RedisConnectionReadiness> redis, Environment environment) {
		// every Redis call of the gateway is bounded by spring.data.redis.timeout
		Duration redisTimeout = Binder.get(environment)
			.bind("spring.data.redis.timeout", Duration.class)
			.orElse(Duration.ofMillis(250));
		DpopWarmUp.run(properties.signingAlgorithms());
		RedisConnectionReadiness shared = redis.getIfAvailable();
		if (properties.enabled()) {
			log.info("DPoP proofs accepted ({}); replayed proofs are refused {}", properties.signingAlgorithms(),
					(shared != null) ? "across instances (Redis, fail closed)" : "by this instance only (no Redis)");
		}
		return DpopEnforcement.of(properties, clock, shared, redisTimeout);
	}

}
