package dev.gatehouse.auth.tracing;

import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** As shipped, tracing is absent: Spring Boot's tracing is not configured at all. */
class TracingOffTests extends MockMvcTestSupport {

	@Autowired
	ApplicationContext context;

	@Test
	void byDefaultThereIsNoTracerNoTracingHandlerAndNoSpanExporter() {
		assertThat(this.context.getBeanNamesForType(io.micrometer.tracing.Tracer.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(io.micrometer.tracing.handler.TracingObservationHandler.class))
			.isEmpty();
		assertThat(this.context.getBeanNamesForType(io.opentelemetry.sdk.trace.export.SpanExporter.class)).isEmpty();
	}

}
