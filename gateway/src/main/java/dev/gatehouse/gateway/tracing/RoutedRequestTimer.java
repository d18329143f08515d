package dev.gatehouse.gateway.tracing;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayHttpTagsProvider;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayRouteTagsProvider;
import org.springframework.cloud.gateway.support.tagsprovider.GatewayTagsProvider;
import org.springframework.cloud.gateway.support.tagsprovider.PropertiesTagsProvider;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Cloud Gateway's routed-request timer ({@code spring.cloud.gateway.requests}:
 * same name, tags, start and end as its {@code GatewayMetricsFilter}), without building
 * and sorting the tags and looking the timer up on every request: a timer is made once
 * per route, status and method and then taken from a map.
 * <p>
 * Tags: {@code routeId}, {@code routeUri}, {@code outcome}, {@code status},
 * {@code httpStatusCode}, {@code httpMethod} and the static ones of
 * {@code spring.cloud.gateway.server.webflux.metrics.tags.*}. When other tag providers
 * are configured (e.g. {@code metrics.path-tags.enabled}) every one of them is asked on
 * every request, as Spring Cloud Gateway does.
 */
final class RoutedRequestTimer implements GlobalFilter, Ordered {

	private final MeterRegistry registry;

	private final Clock clock;

	private final String name;

	/** All providers, when some cannot be cached; otherwise {@code null}. */
	private final GatewayTagsProvider uncached;

	private final Tags staticTags;

	private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

	RoutedRequestTimer(MeterRegistry registry, String prefix, List<GatewayTagsProvider> providers) {
		this.registry = registry;
		this.clock = registry.config().clock();
		this.name = (prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix) + ".requests";
		// exactly Spring Cloud Gateway's own classes: a subclass may tag differently
		boolean standard = providers.stream()
			.map(Object::getClass)
			.allMatch((type) -> type == GatewayHttpTagsProvider.class || type == GatewayRouteTagsProvider.class
					|| type == PropertiesTagsProvider.class);
		this.uncached = standard ? null
				: providers.stream().reduce((exchange) -> Tags.empty(), GatewayTagsProvider::and);
		Tags fixed = Tags.empty();
		for (GatewayTagsProvider provider : providers) {
			if (provider.getClass() == PropertiesTagsProvider.class) {
				// its tags come from configuration, whatever the exchange
				fixed = fixed.and(provider.apply(null));
			}
		}
		this.staticTags = fixed;
	}

	/**
	 * As Spring Cloud Gateway's: right after the filter that writes the response, so the
	 * time ends when the response is committed.
	 */
	@Override
	public int getOrder() {
		return NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER + 1;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		long start = this.clock.monotonicTime();
		return chain.filter(exchange).doOnTerminate(() -> stopWhenCommitted(exchange, start));
	}

	private void stopWhenCommitted(ServerWebExchange exchange, long start) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			stop(exchange, start);
		}
		else {
			response.beforeCommit(() -> {
				stop(exchange, start);
				return Mono.empty();
			});
		}
	}

	private void stop(ServerWebExchange exchange, long start) {
		timer(exchange).record(this.clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
	}

	Timer timer(ServerWebExchange exchange) {
		if (this.uncached != null) {
			return this.registry.timer(this.name, this.uncached.apply(exchange));
		}
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		Key key = new Key((route != null) ? route.getId() : null, (route != null) ? route.getUri() : null,
				(status != null) ? status.value() : -1, exchange.getRequest().getMethod());
		Timer timer = this.timers.get(key);
		if (timer == null) {
			timer = this.timers.computeIfAbsent(key, this::register);
		}
		return timer;
	}

	private Timer register(Key key) {
		// the tags of Spring Cloud Gateway's GatewayHttpTagsProvider and
		// GatewayRouteTagsProvider
		String outcome = "CUSTOM";
		String status = "CUSTOM";
		String code = "NA";
		if (key.status() >= 0) {
			code = String.valueOf(key.status());
			status = code;
			HttpStatus known = HttpStatus.resolve(key.status());
			if (known != null) {
				outcome = known.series().name();
				status = known.name();
			}
		}
		Tags tags = Tags.of("outcome", outcome, "status", status, "httpStatusCode", code, "httpMethod",
				key.method().name());
		if (key.routeId() != null) {
			tags = tags.and("routeId", key.routeId(), "routeUri", String.valueOf(key.routeUri()));
		}
		return Timer.builder(this.name).tags(tags.and(this.staticTags)).register(this.registry);
	}

	/** What the tags depend on; the route's URI too, which a reload may change. */
	private record Key(String routeId, URI routeUri, int status, HttpMethod method) {
	}

}
