package dev.gatehouse.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;

import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.gateway.config.GatehouseProperties;
import dev.gatehouse.gateway.config.InvalidGatewayConfigurationException;
import dev.gatehouse.gateway.forwarding.ClientAddressResolver;
import dev.gatehouse.gateway.redis.RedisConnectionReadiness;
import dev.gatehouse.gateway.redis.RedisConfiguredCondition;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Rate limiting: the store chosen by {@code gatehouse.gateway.rate-limit.store}
 * ({@code memory} or {@code redis}), the filter that applies route {@code rate-limit}
 * metadata, and Redis client behaviour that keeps a dead Redis cheap: commands are
 * rejected at once while disconnected instead of queued, and every command is bounded by
 * {@code spring.data.redis.timeout} (250 ms by default).
 */
@Configuration(proxyBeanMethods = false)
public class RateLimitConfiguration {

	private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

	@Bean
	RateLimiterStore rateLimiterStore(GatehouseProperties properties, Environment environment,
			ObjectProvider<RedisConnectionReadiness> readiness,
			@Value("${spring.data.redis.timeout:250ms}") Duration timeout) {
		if (properties.rateLimit().store() == GatehouseProperties.RateLimit.Store.REDIS) {
			if (!RedisConfiguredCondition.isRedisConfigured(environment)) {
				throw new InvalidGatewayConfigurationException(java.util.List.of(GatehouseProperties.PREFIX
						+ ".rate-limit.store: 'redis' needs Redis configured (" + RedisConfiguredCondition.KEYS + ")"));
			}
			log.info("Rate limits are shared through Redis (command timeout {} ms, on-store-failure: {})",
					timeout.toMillis(),
					properties.rateLimit().onStoreFailure().name().toLowerCase(java.util.Locale.ROOT));
			return new RedisRateLimiterStore(timeout, readiness.getObject());
		}
		return new MemoryRateLimiterStore(properties.rateLimit().memoryMaxKeys());
	}

	@Bean
	RateLimitFilter rateLimitFilter(RateLimiterStore store, GatehouseProperties properties,
			ClientAddressResolver clientAddresses, MeterRegistry meters, Clock clock) {
		return new RateLimitFilter(store,
				properties.rateLimit().onStoreFailure() == GatehouseProperties.RateLimit.OnStoreFailure.DENY,
				clientAddresses, meters, clock);
	}

	/**
	 * After an outage, reconnect within two seconds of Redis returning (Lettuce's default
	 * backoff reaches 30 s).
	 */
	@Bean
	ClientResourcesBuilderCustomizer gatehouseReconnectDelay() {
		return (resources) -> resources
			.reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
	}

	/** While Redis is down, fail fast instead of queueing commands behind a reconnect. */
	@Bean
	LettuceClientOptionsBuilderCustomizer gatehouseLettuceOptions() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.autoReconnect(true);
	}

}
