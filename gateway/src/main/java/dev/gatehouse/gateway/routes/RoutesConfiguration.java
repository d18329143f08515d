package dev.gatehouse.gateway.routes;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.accept.ApiVersionStrategy;

import dev.gatehouse.gateway.config.GatehouseProperties;
import dev.gatehouse.gateway.config.InvalidGatewayConfigurationException;
import dev.gatehouse.gateway.policy.RoutePolicies;

/**
 * Routes beyond the application configuration's: the full route check (also run on the
 * application's routes at start-up), and {@code gatehouse.gateway.routes-file}, loaded at
 * start-up (a problem stops it) and reloaded when it changes.
 */
@Configuration(proxyBeanMethods = false)
public class RoutesConfiguration {

	@Bean
	RouteDefinitionChecker routeDefinitionChecker(List<RoutePredicateFactory> predicates,
			List<GatewayFilterFactory> filters, ConfigurationService configurationService, RoutePolicies policies,
			org.springframework.cloud.gateway.config.GatewayProperties routes) {
		RouteDefinitionChecker checker = new RouteDefinitionChecker(predicates, filters, configurationService,
				policies);
		List<String> problems = checker.check(routes.getRoutes(), List.of());
		if (!problems.isEmpty()) {
			throw new InvalidGatewayConfigurationException(problems);
		}
		return checker;
	}

	/**
	 * Spring Cloud Gateway's route lookup over a snapshot of its cached routes (see
	 * {@link RouteSnapshotHandlerMapping}); built as its auto-configuration builds the
	 * stock one, which then backs off.
	 */
	@Bean
	RouteSnapshotHandlerMapping routePredicateHandlerMapping(FilteringWebHandler webHandler, RouteLocator routeLocator,
			GlobalCorsProperties globalCorsProperties, Environment environment,
			ObjectProvider<ApiVersionStrategy> apiVersionStrategy) {
		RouteSnapshotHandlerMapping mapping = new RouteSnapshotHandlerMapping(webHandler, routeLocator,
				globalCorsProperties, environment);
		apiVersionStrategy.ifAvailable(mapping::setApiVersionStrategy);
		return mapping;
	}

	/**
	 * Handler-method mappings with nothing to map leave the request dispatch (see
	 * {@link EmptyHandlerMappings}).
	 */
	@Bean
	static EmptyHandlerMappings emptyHandlerMappings() {
		return new EmptyHandlerMappings();
	}

	/**
	 * Spring Cloud Gateway's filtering handler with its route-filter cache keyed by route
	 * instance (see {@link RouteFiltersWebHandler}); built as its auto-configuration
	 * builds the stock one, which then backs off.
	 */
	@Bean
	RouteFiltersWebHandler filteringWebHandler(List<GlobalFilter> globalFilters,
			org.springframework.cloud.gateway.config.GatewayProperties properties) {
		return new RouteFiltersWebHandler(globalFilters, properties.isRouteFilterCacheEnabled());
	}

	@Bean
	RoutesReload routesReload(GatehouseProperties properties, MeterRegistry meters, Clock clock) {
		return new RoutesReload(properties.routesFile(), meters, clock);
	}

	@Bean
	@ConditionalOnProperty(GatehouseProperties.PREFIX + ".routes-file")
	RoutesFileWatcher routesFileWatcher(GatehouseProperties properties, RouteDefinitionChecker checker,
			org.springframework.cloud.gateway.config.GatewayProperties routes, RoutesReload reload,
			ApplicationEventPublisher publisher, ConfigurableEnvironment environment) {
		PlaceholdersResolver placeholders = new PropertySourcesPlaceholdersResolver(environment);
		Path file = Path.of(properties.routesFile());
		String key = RouteDefinitionChecker.ROUTES_FILE_KEY;
		byte[] content;
		try {
			content = RoutesFile.read(file);
		}
		catch (IOException ex) {
			throw new InvalidGatewayConfigurationException(
					List.of(key + ": '" + file + "' " + RoutesFile.unreadable(ex)));
		}
		List<String> ids = routes.getRoutes().stream().map(RouteDefinition::getId).toList();
		RoutesFile.Parsed parsed = RoutesFile.parse(file, content, placeholders);
		List<String> problems = parsed.problems().isEmpty() ? checker.check(parsed.routes(), ids) : parsed.problems();
		if (!problems.isEmpty()) {
			throw new InvalidGatewayConfigurationException(
					problems.stream().map((problem) -> key + " (" + file + "): " + problem).toList());
		}
		reload.loaded(parsed.routes().size());
		return new RoutesFileWatcher(file, properties.routesFilePollInterval(), new RoutesFileLocator(parsed.routes()),
				content, checker, ids, reload, publisher, placeholders);
	}

	@Bean
	@ConditionalOnProperty(GatehouseProperties.PREFIX + ".routes-file")
	RoutesFileLocator routesFileLocator(RoutesFileWatcher watcher) {
		return watcher.locator();
	}

}
