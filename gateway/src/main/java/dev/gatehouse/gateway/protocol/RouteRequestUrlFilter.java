package dev.gatehouse.gateway.protocol;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.context.ApplicationListener;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Cloud Gateway's {@link RouteToRequestUrlFilter} (the backend URL: the request's
 * path and query on the route's scheme, host and port), without its per-request work for
 * the usual request. Spring Cloud Gateway matches a regular expression against the
 * route's URI, takes the request's URI apart with a {@code UriComponentsBuilder} and puts
 * it together again on every request (about 2 % of a request's CPU on one core,
 * {@code bench/gateway.sh}). Here the route's part is worked out once per route version,
 * and a request URI with neither percent-encoding, user info nor fragment is joined to it
 * as text and parsed once, which gives the URI Spring Cloud Gateway builds. Everything
 * else (encoded paths and queries, {@code lb:} and other scheme-prefixed route URIs,
 * routes without a host such as {@code forward:}) goes to Spring Cloud Gateway's own
 * code, unchanged. Spring Cloud Gateway's own bean is off in {@code application.yml}
 * ({@code spring.cloud.gateway.server.webflux.global-filter.route-to-request-url.enabled});
 * switched back on, it runs instead of this one.
 */
final class RouteRequestUrlFilter extends RouteToRequestUrlFilter implements ApplicationListener<RefreshRoutesEvent> {

	/** What each route's URI contributes, per route id, for the current route version. */
	private final Map<String, Target> targets = new ConcurrentHashMap<>();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route == null) {
			return chain.filter(exchange);
		}
		URI request = exchange.getRequest().getURI();
		Target target = targetOf(route);
		if (target.prefix() == null || !plain(request)) {
			return super.filter(exchange, chain);
		}
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target.resolve(request));
		return chain.filter(exchange);
	}

	/** A refresh forgets every route's part (a removed route's too). */
	@Override
	public void onApplicationEvent(RefreshRoutesEvent event) {
		this.targets.clear();
	}

	/** Routes whose part is held (for tests). */
	int routesHeld() {
		return this.targets.size();
	}

	/**
	 * Whether Spring Cloud Gateway would rebuild the URI from its raw parts unchanged: no
	 * percent-encoding (which it checks and may encode again), no user info and no
	 * fragment (which a request URI does not carry anyway).
	 */
	static boolean plain(URI request) {
		String query = request.getRawQuery();
		String path = request.getRawPath();
		return request.getRawUserInfo() == null && request.getRawFragment() == null && path != null
				&& path.indexOf('%') < 0 && (query == null || query.indexOf('%') < 0);
	}

	/**
	 * Spring Cloud Gateway builds new {@link Route} objects on every refresh, so the
	 * instance marks the version (as for the other per-route caches).
	 */
	private Target targetOf(Route route) {
		Target target = this.targets.get(route.getId());
		if (target == null || target.route() != route) {
			target = Target.of(route);
			this.targets.put(route.getId(), target);
		}
		return target;
	}

	/**
	 * A route's part of the backend URL.
	 *
	 * @param route the route version it was worked out for
	 * @param prefix {@code scheme://host[:port]}, or {@code null} when Spring Cloud
	 * Gateway's own code must build the URL
	 */
	record Target(Route route, String prefix) {

		static Target of(Route route) {
			URI uri = route.getUri();
			String scheme = uri.getScheme();
			boolean ordinary = scheme != null && uri.getHost() != null && uri.getRawPath() != null
					&& ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)
							|| "ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme));
			if (!ordinary) {
				return new Target(route, null);
			}
			String prefix = scheme + "://" + uri.getHost() + ((uri.getPort() != -1) ? ":" + uri.getPort() : "");
			return new Target(route, prefix);
		}

		URI resolve(URI request) {
			String path = request.getRawPath();
			String query = request.getRawQuery();
			StringBuilder url = new StringBuilder(
					this.prefix.length() + path.length() + ((query != null) ? query.length() + 1 : 0));
			url.append(this.prefix).append(path);
			// an empty query ("/path?") is dropped, as Spring Cloud Gateway's builder
			// does
			if (query != null && !query.isEmpty()) {
				url.append('?').append(query);
			}
			return URI.create(url.toString());
		}

	}

}
