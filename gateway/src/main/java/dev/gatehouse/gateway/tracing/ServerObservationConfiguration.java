package dev.gatehouse.gateway.tracing;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * WebFlux's {@code http.server.requests} observation (the timer, and the server span with
 * tracing) follows Spring Boot's own switch,
 * {@code management.observations.enable.http.server.requests}, which the gateway's
 * application.yml ties to the tracing switch. When it is {@code false} the request
 * handler is given {@link ObservationRegistry#NOOP}: a request then builds no observation
 * at all, where Spring Boot's switch alone would still create one per request and match
 * its name against the enable properties (measured at ~4 % of a request's CPU on one
 * core, bench/gateway.sh). Routed requests stay timed by
 * {@code spring.cloud.gateway.requests}, the timer the dashboard and the alerts use.
 */
@Configuration(proxyBeanMethods = false)
class ServerObservationConfiguration {

	/** Spring Boot's switch for the server request observation. */
	static final String PROPERTY = "management.observations.enable.http.server.requests";

	@Bean
	@ConditionalOnBooleanProperty(name = PROPERTY, havingValue = false)
	WebHttpHandlerBuilderCustomizer gatehouseServerObservationOff() {
		return (builder) -> builder.observationRegistry(ObservationRegistry.NOOP);
	}

}
