package dev.gatehouse.gateway.tracing;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import static org.assertj.core.api.Assertions.assertThat;

class ServerObservationConfigurationTests {

	private final ApplicationContextRunner contexts = new ApplicationContextRunner()
		.withUserConfiguration(ServerObservationConfiguration.class);

	@Test
	void switchedOffTheRequestHandlerObservesNothing() {
		this.contexts.withPropertyValues("management.observations.enable.http.server.requests=false").run((context) -> {
			WebHttpHandlerBuilder builder = WebHttpHandlerBuilder.webHandler((exchange) -> null)
				.observationRegistry(ObservationRegistry.create());
			context.getBean(WebHttpHandlerBuilderCustomizer.class).customize(builder);
			assertThat(ReflectionTestUtils.getField(builder, "observationRegistry")).isSameAs(ObservationRegistry.NOOP);
		});
	}

	@Test
	void switchedOnOrLeftToSpringBootTheRequestHandlerKeepsItsRegistry() {
		this.contexts.withPropertyValues("management.observations.enable.http.server.requests=true")
			.run((context) -> assertThat(context).doesNotHaveBean(WebHttpHandlerBuilderCustomizer.class));
		this.contexts.run((context) -> assertThat(context).doesNotHaveBean(WebHttpHandlerBuilderCustomizer.class));
	}

}
