package dev.gatehouse.gateway.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationListener;

import dev.gatehouse.gateway.config.InvalidGatewayConfigurationException;

/**
 * The parsed policy of each route, parsed once per route version; a route that a refresh
 * removed is forgotten.
 */
public final class RoutePolicies implements ApplicationListener<RefreshRoutesResultEvent> {

	private static final String ROUTES_KEY = "spring.cloud.gateway.server.webflux.routes";

	private final RoutePolicyParser parser;

	/**
	 * @param configuredIssuers the {@code iss} of every configured issuer, which a
	 * route's {@code issuers} may name
	 */
	public RoutePolicies(Collection<String> configuredIssuers) {
		this.parser = new RoutePolicyParser(Set.copyOf(configuredIssuers));
	}

	private final Map<String, Parsed> byRouteId = new ConcurrentHashMap<>();

	/**
	 * Validate configured route definitions at start-up.
	 * @param routes the route definitions from
	 * {@code spring.cloud.gateway.server.webflux.routes}
	 * @throws InvalidGatewayConfigurationException naming each offending key (every
	 * problem of every route, not only the first)
	 */
	public void validate(List<RouteDefinition> routes) {
		List<String> problems = problems(routes);
		if (!problems.isEmpty()) {
			throw new InvalidGatewayConfigurationException(problems);
		}
	}

	/**
	 * Every problem of the routes' policy metadata, for start-up and for a reload (which
	 * keeps the last good routes when there is any). A pure function of the definitions.
	 * @param routes the route definitions, in configuration order
	 * @return each problem as
	 * {@code spring.cloud.gateway.server.webflux.routes[i].metadata.<key>:
	 * <message> (route '<id>')}; empty when all are valid
	 */
	public List<String> problems(List<RouteDefinition> routes) {
		List<String> problems = new ArrayList<>();
		for (int i = 0; i < routes.size(); i++) {
			RouteDefinition route = routes.get(i);
			for (String problem : this.parser.parseRoute(route).problems()) {
				problems.add(ROUTES_KEY + "[" + i + "].metadata." + problem + " (route '" + route.getId() + "')");
			}
		}
		return problems;
	}

	/**
	 * @param route a route definition
	 * @return its policy
	 * @throws InvalidRoutePolicyException naming the first offending key
	 */
	public RoutePolicy policyOf(RouteDefinition route) {
		RoutePolicyParser.Result result = this.parser.parseRoute(route);
		if (result.policy() == null) {
			String first = result.problems().get(0);
			int colon = first.indexOf(": ");
			throw new InvalidRoutePolicyException(first.substring(0, colon), first.substring(colon + 2));
		}
		return result.policy();
	}

	/**
	 * @param route the matched route
	 * @return its policy
	 * @throws InvalidRoutePolicyException if its metadata is invalid (only possible for
	 * routes that were not validated at start-up, e.g. added by a refresh)
	 */
	public RoutePolicy policyFor(Route route) {
		// Spring Cloud Gateway caches its Route objects and builds new ones on every
		// refresh, so the Route instance
		// itself marks the version (Route.getMetadata() wraps its map anew on each call:
		// no identity to compare)
		Parsed parsed = this.byRouteId.get(route.getId());
		if (parsed == null || parsed.route() != route) {
			parsed = new Parsed(route, this.parser.parse(route.getMetadata()));
			this.byRouteId.put(route.getId(), parsed);
		}
		return parsed.policy();
	}

	/**
	 * After Spring Cloud Gateway rebuilt its routes (a routes-file reload): forget the
	 * policies of routes that are gone. Routes that stay get a fresh policy on their next
	 * request (a new {@link Route} instance).
	 */
	@Override
	public void onApplicationEvent(RefreshRoutesResultEvent event) {
		if (event.isSuccess() && event.getSource() instanceof RouteLocator routes) {
			Set<String> ids = ConcurrentHashMap.newKeySet();
			// the cached routes are in memory: this completes before subscribe returns
			routes.getRoutes().map(Route::getId).subscribe(ids::add, (error) -> {
			}, () -> this.byRouteId.keySet().retainAll(ids));
		}
	}

	/** Ids of the routes whose policy is held (for tests). */
	Set<String> cachedRouteIds() {
		return Set.copyOf(this.byRouteId.keySet());
	}

	private record Parsed(Route route, RoutePolicy policy) {

	}

}
