package dev.gatehouse.gateway.tracing;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.cloud.gateway.config.GatewayMetricsProperties;
import org.springframework.cloud.gateway.route.RouteDefinitionLocator;
import org.springframework.cloud.gateway.route.RouteDefinitionMetrics;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayTagsProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Cloud Gateway's request metrics, recorded by {@link RoutedRequestTimer} instead
 * of its own filter: {@code application.yml} switches
 * {@code spring.cloud.gateway.server.webflux.metrics.enabled} off, and this brings back
 * both meters that switch takes away ({@code spring.cloud.gateway.requests} and
 * {@code spring.cloud.gateway.routes.count}). Setting it to {@code true} returns to
 * Spring Cloud Gateway's own filter, never both.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = RoutedRequestMetricsConfiguration.SCG_METRICS, havingValue = false)
class RoutedRequestMetricsConfiguration {

	static final String SCG_METRICS = "spring.cloud.gateway.server.webflux.metrics.enabled";

	@Bean
	RoutedRequestTimer routedRequestTimer(MeterRegistry meters, GatewayMetricsProperties properties,
			ObjectProvider<GatewayTagsProvider> tagsProviders) {
		return new RoutedRequestTimer(meters, properties.getPrefix(), tagsProviders.orderedStream().toList());
	}

	@Bean
	RouteDefinitionMetrics routeDefinitionMetrics(MeterRegistry meters, RouteDefinitionLocator routeDefinitions,
			GatewayMetricsProperties properties) {
		return new RouteDefinitionMetrics(meters, routeDefinitions, properties.getPrefix());
	}

}
