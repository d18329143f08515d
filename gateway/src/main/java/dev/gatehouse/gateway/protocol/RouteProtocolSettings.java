package dev.gatehouse.gateway.protocol;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.util.unit.DataSize;

/**
 * Each route's protocol metadata, read once per route version: {@code streaming},
 * {@code max-request-size} and {@code response-timeout} (validated with the rest of the
 * metadata at start-up by the route policy parser).
 */
final class RouteProtocolSettings {

	static final String STREAMING = "streaming";

	static final String MAX_REQUEST_SIZE = "max-request-size";

	/** Spring Cloud Gateway's per-route response timeout; negative: none. */
	static final String RESPONSE_TIMEOUT = "response-timeout";

	private final long defaultMaxRequestSize;

	private final Map<String, Settings> byRouteId = new ConcurrentHashMap<>();

	RouteProtocolSettings(DataSize defaultMaxRequestSize) {
		this.defaultMaxRequestSize = defaultMaxRequestSize.toBytes();
	}

	/**
	 * @param route a route as configured, or the copy {@link Settings#forwarded()} made
	 * of it
	 * @return its settings
	 */
	Settings of(Route route) {
		// Spring Cloud Gateway builds new Route objects on every refresh: the instance
		// marks the version
		Settings settings = this.byRouteId.get(route.getId());
		if (settings == null || (settings.route() != route && settings.forwarded() != route)) {
			settings = parse(route);
			this.byRouteId.put(route.getId(), settings);
		}
		return settings;
	}

	private Settings parse(Route route) {
		Map<String, Object> metadata = route.getMetadata();
		Object size = metadata.get(MAX_REQUEST_SIZE);
		long maxRequestSize = (size != null) ? DataSize.parse(size.toString().trim()).toBytes()
				: this.defaultMaxRequestSize;
		boolean streaming = Boolean.parseBoolean(String.valueOf(metadata.get(STREAMING)));
		Object timeout = metadata.get(RESPONSE_TIMEOUT);
		Long responseTimeoutMillis = streaming ? Long.valueOf(-1)
				: (timeout != null) ? Long.valueOf(timeout.toString().trim()) : null;
		Route forwarded = route;
		if (responseTimeoutMillis != null) {
			// the same route without a response timeout for Spring Cloud Gateway, which
			// reads it from the matched route's metadata: RouteClientRoutingFilter times
			// the call instead
			Map<String, Object> withoutTimeout = new HashMap<>(metadata);
			withoutTimeout.put(RESPONSE_TIMEOUT, -1L);
			forwarded = Route.async()
				.id(route.getId())
				.uri(route.getUri())
				.order(route.getOrder())
				.asyncPredicate(route.getPredicate())
				.replaceFilters(route.getFilters())
				.replaceMetadata(withoutTimeout)
				.build();
		}
		return new Settings(route, maxRequestSize, forwarded, responseTimeoutMillis);
	}

	/**
	 * @param route the route as configured (the cache key)
	 * @param maxRequestSize the largest body accepted, in bytes
	 * @param forwarded the route as it is forwarded: for a route with a response timeout
	 * of its own or a streaming route, a copy whose metadata says none (Spring Cloud
	 * Gateway's timer stays off)
	 * @param responseTimeoutMillis the route's own response timeout in milliseconds
	 * (negative: none, as for a streaming route), or {@code null} for the global one
	 */
	record Settings(Route route, long maxRequestSize, Route forwarded, @Nullable Long responseTimeoutMillis) {

		/**
		 * @param global
		 * {@code spring.cloud.gateway.server.webflux.httpclient.response-timeout}
		 * @return the time from the start of the backend call until its response headers,
		 * or {@code null} for no limit
		 */
		@Nullable Duration responseTimeout(@Nullable Duration global) {
			if (this.responseTimeoutMillis == null) {
				return global;
			}
			return (this.responseTimeoutMillis < 0) ? null : Duration.ofMillis(this.responseTimeoutMillis);
		}

	}

}
