package dev.gatehouse.gateway.config;

import java.net.URI;
import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.gateway.route.Route;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerWaitTests {

	private static Route route(String id) {
		return Route.async().id(id).uri(URI.create("http://localhost")).predicate(exchange -> true).build();
	}

	private static CircuitBreakerWait waitFor(CircuitBreakerRegistry registry) {
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		if (registry != null) {
			beans.addBean("circuitBreakerRegistry", registry);
		}
		return new CircuitBreakerWait(beans.getBeanProvider(CircuitBreakerRegistry.class));
	}

	@Test
	void usesTheRoutesOwnBreakerConfiguration() {
		CircuitBreakerRegistry registry = CircuitBreakerRegistry
			.of(CircuitBreakerConfig.custom().waitDurationInOpenState(Duration.ofSeconds(10)).build());
		registry.circuitBreaker("payments",
				CircuitBreakerConfig.custom().waitDurationInOpenState(Duration.ofSeconds(30)).build());
		assertThat(waitFor(registry).apply(route("payments"))).isEqualTo(Duration.ofSeconds(30));
		assertThat(waitFor(registry).apply(route("other"))).isEqualTo(Duration.ofSeconds(10));
		assertThat(waitFor(registry).apply(null)).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void fallsBackWithoutARegistry() {
		assertThat(waitFor(null).apply(route("any"))).isEqualTo(Duration.ofSeconds(10));
	}

}
