package dev.gatehouse.gateway.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.util.unit.DataSize;

/**
 * Each route's protocol metadata, read once per route version: {@code streaming} and
 * {@code max-request-size} (validated with the rest of the metadata at start-up by the
 * route policy parser).
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

	Settings of(Route route) {
		// Spring Cloud Gateway builds new Route objects on every refresh: the instance
		// marks the version
		Settings settings = this.byRouteId.get(route.getId());
		if (settings == null || settings.route() != route) {
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
		Route forwarded = route;
		if (streaming) {
			// the same route without a response timeout: Spring Cloud Gateway reads it
			// from the matched route's metadata
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
		return new Settings(route, maxRequestSize, forwarded);
	}

	/**
	 * @param route the route as configured (the cache key)
	 * @param maxRequestSize the largest body accepted, in bytes
	 * @param forwarded the route as it is forwarded: for a streaming route, a copy
	 * without response timeout
	 */
	record Settings(Route route, long maxRequestSize, Route forwarded) {

	}

}
