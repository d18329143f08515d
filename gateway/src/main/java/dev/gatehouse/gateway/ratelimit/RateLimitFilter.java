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

import dev.gatehouse.gateway.forwarding.ForwardingAttributes;
import dev.gatehouse.gateway.policy.PolicyEnforcementFilter;
import dev.gatehouse.gateway.policy.RoutePolicies;
import dev.gatehouse.gateway.security.VerifiedToken;

import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationListener;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Applies the matched route's {@code rate-limit} metadata. Runs right after
 * authentication and before every route filter: a refused request is an error the
 * gateway's exception handler answers (429, problem+json, request id), it is never
 * retried, never counted by the circuit breaker and never reaches the backend. Every
 * response of a limited route carries {@code RateLimit-Policy} and {@code RateLimit},
 * errors included.
 */
public final class RateLimitFilter implements GlobalFilter, Ordered, ApplicationListener<RefreshRoutesResultEvent> {

	/**
	 * After {@link PolicyEnforcementFilter} (the subject is known), before route filters.
	 */
	public static final int ORDER = PolicyEnforcementFilter.ORDER + 10;

	private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

	private static final Duration WARN_INTERVAL = Duration.ofSeconds(30);

	private final RoutePolicies policies;

	private final RateLimiterStore store;

	private final boolean denyOnStoreFailure;

	private final ClientAddressResolver addresses;

	private final MeterRegistry meters;

	private final Clock clock;

	private final AtomicLong lastWarning = new AtomicLong();

	private final Map<String, LimitedRoute> limitedRoutes = new ConcurrentHashMap<>();

	public RateLimitFilter(RoutePolicies policies, RateLimiterStore store, boolean denyOnStoreFailure,
			ClientAddressResolver addresses, MeterRegistry meters, Clock clock) {
		this.policies = policies;
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
		List<RateLimit> limits = (route != null) ? this.policies.policyFor(route).rateLimits() : List.of();
		if (limits.isEmpty()) {
			return chain.filter(exchange);
		}
		List<String> keys = new ArrayList<>(limits.size());
		for (RateLimit limit : limits) {
			keys.add(key(limit, exchange, route));
		}
		LimitedRoute limited = limitedRoute(route, limits);
		return this.store.consume(route.getId(), limits, keys)
			.map((decision) -> new Outcome(decision, decision.allowed() ? limited.allowed() : limited.limited()))
			.onErrorResume((ex) -> Mono.just(storeFailure(route, limited, ex)))
			.flatMap((outcome) -> {
				// set by the gateway itself, so the problem writer keeps them on error
				// responses too
				HttpHeaders headers = exchange.getResponse().getHeaders();
				headers.set(RateLimitHeaders.POLICY, limited.policyHeader());
				if (outcome.decision() != null) {
					headers.set(RateLimitHeaders.RATE_LIMIT, RateLimitHeaders.rateLimit(limits, outcome.decision()));
				}
				outcome.counter().increment();
				if (outcome.decision() != null && !outcome.decision().allowed()) {
					return Mono
						.error(new RateLimitedException(RateLimitHeaders.retryAfter(limits, outcome.decision())));
				}
				if (outcome.decision() == null && this.denyOnStoreFailure) {
					return Mono.error(new RateLimitStoreUnavailableException());
				}
				return chain.filter(exchange);
			});
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
		List<RateLimit> limits = this.policies.policyFor(route).rateLimits();
		if (limits.isEmpty()) {
			return Mono.just(List.of());
		}
		List<String> keys = new ArrayList<>(limits.size());
		for (RateLimit limit : limits) {
			keys.add(key(limit, exchange, route));
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
	 * What is fixed for a route version: its policy header and its counters, built once,
	 * not per request.
	 */
	private LimitedRoute limitedRoute(Route route, List<RateLimit> limits) {
		LimitedRoute limited = this.limitedRoutes.get(route.getId());
		if (limited == null || limited.limits() != limits) {
			limited = new LimitedRoute(limits, RateLimitHeaders.policy(limits), counter(route, "allowed"),
					counter(route, "limited"), counter(route, "store_failure_allowed"),
					counter(route, "store_failure_denied"));
			this.limitedRoutes.put(route.getId(), limited);
		}
		return limited;
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

	private String key(RateLimit limit, ServerWebExchange exchange, Route route) {
		return switch (limit.key()) {
			case ROUTE -> "route";
			case IP -> "ip:" + this.addresses.resolve(exchange.getRequest());
			case SUBJECT -> {
				VerifiedToken identity = exchange.getAttribute(ForwardingAttributes.IDENTITY);
				yield (identity != null) ? "sub:" + identity.issuer() + " " + identity.subject()
						: "ip:" + this.addresses.resolve(exchange.getRequest());
			}
		};
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
					ex.getClass().getSimpleName(), route.getId(), this.denyOnStoreFailure ? "refusing" : "admitting",
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

	private record LimitedRoute(List<RateLimit> limits, String policyHeader, Counter allowed, Counter limited,
			Counter storeFailureAllowed, Counter storeFailureDenied) {

	}

}
