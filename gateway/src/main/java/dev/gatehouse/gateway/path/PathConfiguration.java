package dev.gatehouse.gateway.path;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.gatehouse.gateway.config.GatehouseProperties;

/**
 * The guards that run before routing: the raw path and the request method.
 */
@Configuration(proxyBeanMethods = false)
public class PathConfiguration {

	@Bean
	PathGuardWebFilter pathGuardWebFilter() {
		return new PathGuardWebFilter();
	}

	@Bean
	MethodGuardWebFilter methodGuardWebFilter(GatehouseProperties properties) {
		return new MethodGuardWebFilter(properties.allowedMethods());
	}

}
