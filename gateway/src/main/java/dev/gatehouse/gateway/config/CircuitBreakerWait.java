package dev.gatehouse.gateway.config;

import java.time.Duration;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.route.Route;

/**
 * How long a route's circuit breaker stays open, for {@code Retry-After}. The breaker is
 * looked up by route id (the name Spring Cloud Gateway's {@code CircuitBreaker} filter
 * uses when it is given none); otherwise the registry's default configuration answers.
 */
final class CircuitBreakerWait implements Function<Route, Duration> {

	private static final Duration FALLBACK = Duration.ofSeconds(10);

	private final ObjectProvider<CircuitBreakerRegistry> registries;

	CircuitBreakerWait(ObjectProvider<CircuitBreakerRegistry> registries) {
		this.registries = registries;
	}

	@Override
	public Duration apply(Route route) {
		CircuitBreakerRegistry registry = this.registries.getIfAvailable();
		if (registry == null) {
			return FALLBACK;
		}
		CircuitBreakerConfig config = (route != null) ? registry.find(route.getId())
			.map(CircuitBreaker::getCircuitBreakerConfig)
			.orElse(registry.getDefaultConfig()) : registry.getDefaultConfig();
		return Duration.ofMillis(config.getWaitIntervalFunctionInOpenState().apply(1));
	}

}
