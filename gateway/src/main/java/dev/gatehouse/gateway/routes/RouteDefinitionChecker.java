package dev.gatehouse.gateway.routes;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Flux;

import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.filter.FilterDefinition;
import org.springframework.cloud.gateway.filter.factory.GatewayFilterFactory;
import org.springframework.cloud.gateway.handler.predicate.PredicateDefinition;
import org.springframework.cloud.gateway.handler.predicate.RoutePredicateFactory;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteDefinitionRouteLocator;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.core.NestedExceptionUtils;

import dev.gatehouse.gateway.config.InvalidGatewayConfigurationException;
import dev.gatehouse.gateway.policy.RoutePolicies;

/**
 * Checks route definitions the way Spring Cloud Gateway will build them, before they
 * serve: ids, URIs, every predicate and filter resolved and bound by its own factory (one
 * at a time, so each problem names its key), and the Gatehouse policy in the metadata.
 * Reports every problem, not the first.
 */
public final class RouteDefinitionChecker {

	/** Where routes live in application YAML (and in a routes file). */
	public static final String ROUTES_KEY = "spring.cloud.gateway.server.webflux.routes";

	/** The property naming the watched routes file. */
	public static final String ROUTES_FILE_KEY = "gatehouse.gateway.routes-file";

	private static final URI PLACEHOLDER = URI.create("http://localhost");

	private final RoutePolicies policies;

	private final AtomicReference<RouteDefinition> candidate = new AtomicReference<>();

	private final RouteDefinitionRouteLocator converter;

	/**
	 * @param predicates Spring Cloud Gateway's predicate factories
	 * @param filters its filter factories
	 * @param configurationService how it binds their arguments
	 * @param policies the Gatehouse policy parser
	 */
	public RouteDefinitionChecker(List<RoutePredicateFactory> predicates, List<GatewayFilterFactory> filters,
			ConfigurationService configurationService, RoutePolicies policies) {
		this.policies = policies;
		// default filters are the application configuration's, checked when it starts;
		// fail-on-route-definition-error stays on, so a bad definition is an error here
		this.converter = new RouteDefinitionRouteLocator(() -> Flux.just(this.candidate.get()), predicates, filters,
				new GatewayProperties(), configurationService);
	}

	/**
	 * @param routes the definitions, in their configured order
	 * @param takenIds ids of routes configured elsewhere, which these must not reuse
	 * @return every problem, each starting with its key
	 * ({@code spring.cloud.gateway.server.webflux.routes[i]...}); empty when valid
	 */
	public List<String> check(List<RouteDefinition> routes, Collection<String> takenIds) {
		List<String> problems = new ArrayList<>();
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < routes.size(); i++) {
			checkRoute(problems, ROUTES_KEY + "[" + i + "]", routes.get(i), ids, takenIds);
		}
		try {
			this.policies.validate(routes);
		}
		catch (InvalidGatewayConfigurationException ex) {
			problems.addAll(ex.getProblems());
		}
		return problems;
	}

	/**
	 * Check a routes file as a reload would.
	 * @param file the file
	 * @param takenIds ids of the application configuration's routes
	 * @param placeholders resolves {@code ${...}} in the file
	 * @return every problem, each naming {@code gatehouse.gateway.routes-file}, the file
	 * and the key in it; empty when valid
	 */
	public List<String> checkFile(Path file, Collection<String> takenIds, PlaceholdersResolver placeholders) {
		String prefix = ROUTES_FILE_KEY + " (" + file + "): ";
		byte[] content;
		try {
			content = RoutesFile.read(file);
		}
		catch (IOException ex) {
			return List.of(prefix + RoutesFile.unreadable(ex));
		}
		RoutesFile.Parsed parsed = RoutesFile.parse(file, content, placeholders);
		List<String> problems = parsed.problems().isEmpty() ? check(parsed.routes(), takenIds) : parsed.problems();
		return problems.stream().map((problem) -> prefix + problem).toList();
	}

	private void checkRoute(List<String> problems, String key, RouteDefinition route, Set<String> ids,
			Collection<String> takenIds) {
		int before = problems.size();
		String id = route.getId();
		if (id == null || id.isBlank()) {
			problems.add(key + ".id: must be set");
		}
		else if (!ids.add(id) || takenIds.contains(id)) {
			problems.add(key + ".id: '" + id + "' is the id of another route");
		}
		URI uri = route.getUri();
		if (uri == null) {
			problems.add(key + ".uri: must be set" + named(route));
		}
		else if (!uri.isAbsolute()) {
			problems
				.add(key + ".uri: '" + uri + "' must be an absolute URI such as http://backend:8080" + named(route));
		}
		if (route.getPredicates() == null || route.getPredicates().isEmpty()) {
			problems.add(key + ".predicates: must name at least one predicate (e.g. Path=/api/**)" + named(route));
		}
		else {
			for (int j = 0; j < route.getPredicates().size(); j++) {
				RouteDefinition single = single(route);
				single.setPredicates(List.of(route.getPredicates().get(j)));
				convert(problems, key + ".predicates[" + j + "] (" + route.getPredicates().get(j).getName() + ")",
						single, route);
			}
		}
		List<FilterDefinition> filters = (route.getFilters() != null) ? route.getFilters() : List.of();
		for (int j = 0; j < filters.size(); j++) {
			RouteDefinition single = single(route);
			single.setFilters(List.of(filters.get(j)));
			convert(problems, key + ".filters[" + j + "] (" + filters.get(j).getName() + ")", single, route);
		}
		if (problems.size() == before) {
			// each part is fine on its own: the whole route must build too
			convert(problems, key, route, route);
		}
	}

	/**
	 * The route without predicates and filters (and a placeholder URI if it has none).
	 */
	private static RouteDefinition single(RouteDefinition route) {
		RouteDefinition single = new RouteDefinition();
		single.setId((route.getId() != null) ? route.getId() : "route");
		single.setUri((route.getUri() != null && route.getUri().isAbsolute()) ? route.getUri() : PLACEHOLDER);
		single.setPredicates(new ArrayList<>(List.of(new PredicateDefinition("Path=/**"))));
		single.setFilters(new ArrayList<>());
		single.setMetadata(route.getMetadata());
		single.setOrder(route.getOrder());
		return single;
	}

	private void convert(List<String> problems, String key, RouteDefinition definition, RouteDefinition route) {
		try {
			// synchronous: the definition source is in memory; never called on an event
			// loop (start-up, the routes-file watcher, the validate command)
			synchronized (this.candidate) {
				this.candidate.set(definition);
				this.converter.getRoutes().collectList().block();
			}
		}
		catch (RuntimeException ex) {
			problems.add(key + ": " + describe(ex) + named(route));
		}
	}

	private static String describe(RuntimeException ex) {
		String top = String.valueOf(ex.getMessage());
		Throwable root = NestedExceptionUtils.getMostSpecificCause(ex);
		String cause = root.getMessage();
		return (root == ex || cause == null || top.contains(cause)) ? top : top + ": " + cause;
	}

	private static String named(RouteDefinition route) {
		return (route.getId() != null) ? " (route '" + route.getId() + "')" : "";
	}

}
