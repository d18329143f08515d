package dev.gatehouse.auth.tracing;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Tracing is on only with {@code management.tracing.export.enabled=true} (Spring Boot's
 * own switch; {@code false} in the auth-service's application.yml), as in the gateway.
 * Off, Spring Boot's Micrometer Tracing auto-configurations are left out altogether: no
 * tracer, no tracing observation handler, nothing added per request. Spring Boot itself
 * would still create (unexported) spans for every request with the switch off, because
 * the OpenTelemetry SDK is on the class path.
 */
public final class TracingSwitch implements AutoConfigurationImportFilter, EnvironmentAware {

	/** Spring Boot's switch for tracing. */
	public static final String PROPERTY = "management.tracing.export.enabled";

	/**
	 * Spring Boot's tracing auto-configurations (tracer, handlers, OpenTelemetry bridge,
	 * OTLP exporter, Prometheus exemplars) all live below this package.
	 */
	private static final String TRACING_AUTO_CONFIGURATIONS = "org.springframework.boot.micrometer.tracing.";

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	/** Whether tracing is switched on. */
	public static boolean isOn(Environment environment) {
		return environment.getProperty(PROPERTY, Boolean.class, false);
	}

	@Override
	public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata autoConfigurationMetadata) {
		boolean on = isOn(this.environment);
		boolean[] match = new boolean[autoConfigurationClasses.length];
		for (int i = 0; i < autoConfigurationClasses.length; i++) {
			String name = autoConfigurationClasses[i];
			match[i] = on || name == null || !name.startsWith(TRACING_AUTO_CONFIGURATIONS);
		}
		return match;
	}

}
