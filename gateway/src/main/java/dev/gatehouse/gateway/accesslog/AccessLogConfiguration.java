package dev.gatehouse.gateway.accesslog;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.gatehouse.gateway.tracing.TracingSwitch;

/**
 * The access log: on unless {@code gatehouse.gateway.access-log.enabled=false} (or the
 * {@code dev.gatehouse.gateway.access} logger is above INFO).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AccessLogProperties.class)
@ConditionalOnBooleanProperty(name = AccessLogProperties.PREFIX + ".enabled", matchIfMissing = true)
class AccessLogConfiguration {

	@Bean
	AccessLogWriter accessLogWriter(AccessLogProperties properties, MeterRegistry meters) {
		return new AccessLogWriter(properties, meters);
	}

	@Bean
	AccessLogWebFilter accessLogWebFilter(AccessLogWriter writer, Clock clock, Environment environment) {
		return new AccessLogWebFilter(writer, clock, TracingSwitch.isOn(environment));
	}

	@Bean
	UpstreamTimingFilter upstreamTimingFilter() {
		return new UpstreamTimingFilter();
	}

}
