package dev.gatehouse.gateway.tracing;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.gatehouse.gateway.ratelimit.RateLimiterStore;
import dev.gatehouse.gateway.security.TokenVerifier;

/**
 * With tracing on ({@link TracingSwitch}), token verification and rate-limit decisions
 * become observations, so spans, children of the request's span. Spring Boot traces the
 * request itself, and Spring Cloud Gateway the backend call (sending W3C
 * {@code traceparent}). With tracing off nothing here exists.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(TracingSwitch.PROPERTY)
class TracingConfiguration {

	@Bean
	static BeanPostProcessor gatehouseObservedBeans(ObjectProvider<ObservationRegistry> registry) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof TokenVerifier verifier && !(bean instanceof ObservedTokenVerifier)) {
					return new ObservedTokenVerifier(verifier, registry.getObject());
				}
				if (bean instanceof RateLimiterStore store && !(bean instanceof ObservedRateLimiterStore)) {
					return new ObservedRateLimiterStore(store, registry.getObject());
				}
				return bean;
			}

		};
	}

}
