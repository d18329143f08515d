package dev.gatehouse.gateway.routes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.Route;

/**
 * Spring Cloud Gateway's {@link FilteringWebHandler}, with its cache of each route's
 * sorted filters ({@code route-filter-cache-enabled}) keyed by the route's id and
 * instance instead of by the {@link Route} as a map key: {@code Route.hashCode()} hashes
 * its predicate, filters and whole metadata (nested rate limits and claims included) on
 * every request. Spring Cloud Gateway builds new {@link Route} objects on every refresh,
 * so the instance marks the version, as elsewhere in Gatehouse.
 */
public final class RouteFiltersWebHandler extends FilteringWebHandler {

	private final boolean cacheEnabled;

	private final Map<String, Combined> byRouteId = new ConcurrentHashMap<>();

	public RouteFiltersWebHandler(List<GlobalFilter> globalFilters, boolean routeFilterCacheEnabled) {
		super(globalFilters, routeFilterCacheEnabled);
		this.cacheEnabled = routeFilterCacheEnabled;
	}

	@Override
	protected List<GatewayFilter> getCombinedFilters(Route route) {
		if (!this.cacheEnabled) {
			return getAllFilters(route);
		}
		Combined combined = this.byRouteId.get(route.getId());
		if (combined == null || combined.route() != route) {
			combined = new Combined(route, getAllFilters(route));
			this.byRouteId.put(route.getId(), combined);
		}
		return combined.filters();
	}

	/** A refresh forgets every route's filters, as Spring Cloud Gateway's cache does. */
	@Override
	public void onApplicationEvent(RefreshRoutesEvent event) {
		super.onApplicationEvent(event);
		this.byRouteId.clear();
	}

	private record Combined(Route route, List<GatewayFilter> filters) {
	}

}
