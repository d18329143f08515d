package dev.gatehouse.gateway.routes;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.CachingRouteLocator;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Cloud Gateway's route lookup over a list of the routes taken once per refresh.
 * <p>
 * The stock lookup streams the cached routes through {@code Flux.filterWhen(..).next()}
 * on every request; cancelling that operator clears its 256-slot buffer, a context lookup
 * per slot, which alone cost about 3 % of a request's CPU on one core
 * ({@code bench/gateway.sh}). Here the routes are tried in the same order, with the same
 * predicates and the same attributes. A route with one built-in predicate (other than
 * {@code ReadBody}) answers at once and is read without subscribing; combined predicates
 * ({@code and}/{@code or}/{@code negate}, e.g. {@code Path} with {@code Method}) and
 * asynchronous ones are subscribed to, as before, one route after the other.
 * <p>
 * The list is replaced after every successful refresh of Spring Cloud Gateway's
 * {@link CachingRouteLocator} (which publishes {@link RefreshRoutesResultEvent} after
 * swapping its cache), so a hot reload is seen exactly as with the stock lookup. Until
 * the first refresh, or with another {@link RouteLocator}, the stock lookup runs.
 */
public final class RouteSnapshotHandlerMapping extends RoutePredicateHandlerMapping
		implements ApplicationListener<RefreshRoutesResultEvent> {

	private final RouteLocator routeLocator;

	private volatile @Nullable List<Route> routes;

	public RouteSnapshotHandlerMapping(FilteringWebHandler webHandler, RouteLocator routeLocator,
			GlobalCorsProperties globalCorsProperties, Environment environment) {
		super(webHandler, routeLocator, globalCorsProperties, environment);
		this.routeLocator = routeLocator;
	}

	@Override
	public void onApplicationEvent(RefreshRoutesResultEvent event) {
		if (event.isSuccess() && event.getSource() == this.routeLocator
				&& this.routeLocator instanceof CachingRouteLocator) {
			// the cache was swapped before the event: this reads it, in memory, before
			// subscribe returns
			this.routeLocator.getRoutes().collectList().subscribe((list) -> this.routes = List.copyOf(list));
		}
	}

	@Override
	protected Mono<Route> lookupRoute(ServerWebExchange exchange) {
		List<Route> snapshot = this.routes;
		if (snapshot == null) {
			return super.lookupRoute(exchange);
		}
		return lookup(snapshot, 0, exchange);
	}

	/** The first route from {@code from} on whose predicate matches. */
	private Mono<Route> lookup(List<Route> snapshot, int from, ServerWebExchange exchange) {
		for (int i = from; i < snapshot.size(); i++) {
			Route route = snapshot.get(i);
			// as the stock lookup: the route being tested, for predicates that read it
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR, route.getId());
			Publisher<Boolean> matches = test(route, exchange);
			if (matches instanceof Fuseable.ScalarCallable<?> scalar) {
				Object matched;
				try {
					matched = scalar.call();
				}
				catch (Exception ex) {
					// Mono.error is scalar too: its error ends the lookup, as it ends
					// the stock one
					return Mono.error(Exceptions.unwrap(ex));
				}
				if (Boolean.TRUE.equals(matched)) {
					return Mono.just(route);
				}
				continue;
			}
			int next = i + 1;
			return Mono.from(matches)
				.defaultIfEmpty(false)
				.flatMap((matched) -> matched ? Mono.just(route) : lookup(snapshot, next, exchange));
		}
		return Mono.empty();
	}

	private Publisher<Boolean> test(Route route, ServerWebExchange exchange) {
		try {
			return route.getPredicate().apply(exchange);
		}
		catch (RuntimeException ex) {
			// as the stock lookup: a predicate that throws does not match
			this.logger.error("Error applying predicate for route: " + route.getId(), ex);
			return Mono.just(false);
		}
	}

}
