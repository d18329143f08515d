package dev.gatehouse.gateway.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import dev.gatehouse.gateway.forwarding.ClientAddressResolver;
import dev.gatehouse.gateway.forwarding.ForwardingAttributes;
import dev.gatehouse.gateway.security.TokenClaims;
import dev.gatehouse.gateway.security.VerifiedToken;

import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationListener;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Applies the matched route's {@code rate-limit} metadata, which it reads itself
 * ({@link RateLimitParser}, once per route version): the plans whose {@code when}
 * conditions the token's claims satisfy, or else the limits without {@code when}. Runs
 * right after authentication and before every route filter: a refused request is an error
 * the gateway's exception handler answers (429, problem+json, request id), it is never
 * retried, never counted by the circuit breaker and never reaches the backend. Every
 * response of a limited route carries {@code RateLimit-Policy} and {@code RateLimit},
 * errors included, and name only the limits that applied.
 */
public final class RateLimitFilter implements GlobalFilter, Ordered, ApplicationListener<RefreshRoutesResultEvent> {

	/**
	 * After the policy filter ({@code HIGHEST_PRECEDENCE + 100}: the token is verified),
	 * before route filters.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 110;

	private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

	private static final Duration WARN_INTERVAL = Duration.ofSeconds(30);

	private final RateLimiterStore store;

	private final boolean denyOnStoreFailure;

	private final ClientAddressResolver addresses;

	private final MeterRegistry meters;

	private final Clock clock;

	private final AtomicLong lastWarning = new AtomicLong();

	private final Map<String, LimitedRoute> limitedRoutes = new ConcurrentHashMap<>();

	public RateLimitFilter(RateLimiterStore store, boolean denyOnStoreFailure, ClientAddressResolver addresses,
			MeterRegistry meters, Clock clock) {
		this.store = store;
		this.denyOnStoreFailure = denyOnStoreFailure;
		this.addresses = addresses;
		this.meters = meters;
		this.clock = clock;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		LimitedRoute limited = (route != null) ? limitedRoute(route) : null;
		if (limited == null) {
			return chain.filter(exchange);
		}
		VerifiedToken identity = exchange.getAttribute(ForwardingAttributes.IDENTITY);
		RouteLimits.Selection selection = limited.limits()
			.select((identity != null) ? identity.claims() : TokenClaims.NONE, limited.limits().hasPlans()
					? exchange.getAttribute(ServerWebExchangeUtils.URI_TEMPLATE_VARIABLES_ATTRIBUTE) : null);
		List<RateLimit> limits = selection.limits();
		if (limits.isEmpty()) {
			return chain.filter(exchange);
		}
		List<String> keys = new ArrayList<>(limits.size());
		for (LimitKeyResolver resolver : selection.resolvers()) {
			keys.add(resolver.key(exchange));
		}
		RateLimitDecision now;
		try {
			now = this.store.consumeNow(route.getId(), limits, keys);
		}
		catch (RuntimeException ex) {
			return apply(exchange, chain, selection, storeFailure(route, limited, ex));
		}
		if (now != null) {
			// in memory: decided at once, no reactive pipeline per request
			return apply(exchange, chain, selection, outcome(now, limited));
		}
		return this.store.consume(route.getId(), limits, keys)
			.map((decision) -> outcome(decision, limited))
			.onErrorResume((ex) -> Mono.just(storeFailure(route, limited, ex)))
			.flatMap((outcome) -> apply(exchange, chain, selection, outcome));
	}

	private static Outcome outcome(RateLimitDecision decision, LimitedRoute limited) {
		return new Outcome(decision, decision.allowed() ? limited.allowed() : limited.limited());
	}

	private Mono<Void> apply(ServerWebExchange exchange, GatewayFilterChain chain, RouteLimits.Selection selection,
			Outcome outcome) {
		List<RateLimit> limits = selection.limits();
		// set by the gateway itself, so the problem writer keeps them on error responses
		// too
		HttpHeaders headers = exchange.getResponse().getHeaders();
		headers.set(RateLimitHeaders.POLICY, selection.policyHeader());
		if (outcome.decision() != null) {
			headers.set(RateLimitHeaders.RATE_LIMIT,
					RateLimitHeaders.rateLimit(selection.remainingPrefixes(), outcome.decision()));
		}
		outcome.counter().increment();
		if (outcome.decision() != null && !outcome.decision().allowed()) {
			return Mono.error(new RateLimitedException(RateLimitHeaders.retryAfter(limits, outcome.decision())));
		}
		if (outcome.decision() == null && this.denyOnStoreFailure) {
			return Mono.error(new RateLimitStoreUnavailableException());
		}
		return chain.filter(exchange);
	}

	/**
	 * The route's limits as a request like this one would meet them, read without
	 * counting (the explain endpoint): each limit with the key it counts by and what
	 * remains of its window.
	 * @param route the matched route
	 * @param exchange the request, with the verified identity (if any) in its attributes
	 * @return one entry per limit, empty for a route without limits; an error when the
	 * store cannot answer
	 */
	public Mono<List<LimitState>> inspect(Route route, ServerWebExchange exchange) {
		LimitedRoute limited = limitedRoute(route);
		if (limited == null) {
			return Mono.just(List.of());
		}
		VerifiedToken identity = exchange.getAttribute(ForwardingAttributes.IDENTITY);
		RouteLimits.Selection selection = limited.limits()
			.select((identity != null) ? identity.claims() : TokenClaims.NONE,
					exchange.getAttribute(ServerWebExchangeUtils.URI_TEMPLATE_VARIABLES_ATTRIBUTE));
		List<RateLimit> limits = selection.limits();
		if (limits.isEmpty()) {
			return Mono.just(List.of());
		}
		List<String> keys = new ArrayList<>(limits.size());
		for (LimitKeyResolver resolver : selection.resolvers()) {
			keys.add(resolver.key(exchange));
		}
		return this.store.peek(route.getId(), limits, keys).map((decision) -> {
			List<LimitState> states = new ArrayList<>();
			for (int i = 0; i < limits.size(); i++) {
				states.add(new LimitState(limits.get(i), keys.get(i), decision.states().get(i)));
			}
			return List.copyOf(states);
		});

	}

	/**
	 * One limit as a request meets it.
	 *
	 * @param limit the limit
	 * @param key the value it counts by for this request
	 * @param state what remains and when the window resets
	 */
	public record LimitState(RateLimit limit, String key, RateLimitDecision.State state) {

	}

	/**
	 * What is fixed for a route version: its parsed limits and its counters, built once,
	 * not per request; {@code null} for a route without limits. Spring Cloud Gateway
	 * builds new Route objects on every refresh, so the instance marks the version.
	 */
	private LimitedRoute limitedRoute(Route route) {
		LimitedRoute limited = this.limitedRoutes.get(route.getId());
		if (limited != null && limited.route() == route) {
			return limited.limits().isEmpty() ? null : limited;
		}
		List<String> problems = new ArrayList<>();
		// the route's Path variables are unknown here: the policy validation checked them
		List<RateLimit> limits = RateLimitParser.parse(route.getMetadata().get(RateLimitParser.KEY), null, problems);
		if (!problems.isEmpty()) {
			// the policy filter refuses such a route before this filter runs
			throw new IllegalStateException("invalid rate-limit metadata on route " + route.getId() + ": " + problems);
		}
		limited = new LimitedRoute(route, new RouteLimits(limits, this.addresses), counter(route, "allowed"),
				counter(route, "limited"), counter(route, "store_failure_allowed"),
				counter(route, "store_failure_denied"));
		this.limitedRoutes.put(route.getId(), limited);
		return limited.limits().isEmpty() ? null : limited;
	}

	/**
	 * After Spring Cloud Gateway rebuilt its routes (a routes-file reload): forget what
	 * was built for routes that are gone.
	 */
	@Override
	public void onApplicationEvent(RefreshRoutesResultEvent event) {
		if (event.isSuccess() && event.getSource() instanceof RouteLocator routes) {
			java.util.Set<String> ids = ConcurrentHashMap.newKeySet();
			routes.getRoutes().map(Route::getId).subscribe(ids::add, (error) -> {
			}, () -> this.limitedRoutes.keySet().retainAll(ids));
		}
	}

	/**
	 * What actually failed: wrappers such as {@code CompletionException} say nothing. The
	 * innermost exception's type and message (Redis client messages name a node, never a
	 * credential).
	 */
	static String cause(Throwable ex) {
		Throwable root = NestedExceptionUtils.getMostSpecificCause(ex);
		String message = root.getMessage();
		if (message == null || message.isBlank()) {
			return root.getClass().getSimpleName();
		}
		return root.getClass().getSimpleName() + ": "
				+ ((message.length() > 200) ? message.substring(0, 200) + "..." : message);
	}

	private Outcome storeFailure(Route route, LimitedRoute limited, Throwable ex) {
		this.meters.counter("gatehouse.gateway.ratelimit.store.failures").increment();
		log.debug("Rate-limit store failure on route {}", route.getId(), ex);
		long now = this.clock.millis();
		long last = this.lastWarning.get();
		if (now - last >= WARN_INTERVAL.toMillis() && this.lastWarning.compareAndSet(last, now)) {
			log.warn(
					"Rate-limit store failed ({}) on route {}: {} requests (on-store-failure); further failures are counted "
							+ "in gatehouse.gateway.ratelimit.store.failures and logged at most every {}s",
					cause(ex), route.getId(), this.denyOnStoreFailure ? "refusing" : "admitting",
					WARN_INTERVAL.toSeconds());
		}
		return new Outcome(null,
				this.denyOnStoreFailure ? limited.storeFailureDenied() : limited.storeFailureAllowed());
	}

	private Counter counter(Route route, String outcome) {
		return this.meters.counter("gatehouse.gateway.ratelimit.requests", "route", route.getId(), "outcome", outcome);
	}

	private record Outcome(RateLimitDecision decision, Counter counter) {

	}

	private record LimitedRoute(Route route, RouteLimits limits, Counter allowed, Counter limited,
			Counter storeFailureAllowed, Counter storeFailureDenied) {

	}

}
