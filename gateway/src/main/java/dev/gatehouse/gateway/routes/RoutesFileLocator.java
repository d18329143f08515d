package dev.gatehouse.gateway.routes;

import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionLocator;

/**
 * The routes of {@code gatehouse.gateway.routes-file}, next to the application
 * configuration's in Spring Cloud Gateway's composite locator. Holds the last set that
 * passed every check; {@link RoutesFileWatcher} replaces it as a whole, then asks Spring
 * Cloud Gateway to rebuild its (cached) routes.
 */
final class RoutesFileLocator implements RouteDefinitionLocator {

	private volatile List<RouteDefinition> routes;

	RoutesFileLocator(List<RouteDefinition> routes) {
		this.routes = List.copyOf(routes);
	}

	@Override
	public Flux<RouteDefinition> getRouteDefinitions() {
		return Flux.fromIterable(this.routes).filter(RouteDefinition::isEnabled);
	}

	void replace(List<RouteDefinition> routes) {
		this.routes = List.copyOf(routes);
	}

}
