package dev.gatehouse.gateway.policy;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import dev.gatehouse.gateway.forwarding.ForwardingAttributes;
import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.security.BearerTokenExtractor;
import dev.gatehouse.gateway.security.InsufficientScopeException;
import dev.gatehouse.gateway.security.MissingBearerTokenException;
import dev.gatehouse.gateway.security.TokenRejectedException;
import dev.gatehouse.gateway.security.TokenRevocationCheck;
import dev.gatehouse.gateway.security.TokenVerifier;
import dev.gatehouse.gateway.security.VerifiedToken;
import dev.gatehouse.gateway.security.WebSocketProtocolToken;

/**
 * Enforces the matched route's policy before any route filter or the backend call: public
 * routes pass; every other route needs a valid bearer token (deny by default) from one of
 * the route's {@code issuers} (401 otherwise), then any one of {@code roles} and all of
 * {@code scopes}. Refusals are errors that {@code GatewayExceptionHandler} renders; the
 * backend is never called for them.
 */
public final class PolicyEnforcementFilter implements GlobalFilter, Ordered {

	/** Before route filters (circuit breaker, retry, rate limit) and routing. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final RoutePolicies policies;

	private final BearerTokenExtractor extractor;

	private final TokenVerifier verifier;

	private final TokenRevocationCheck revocation;

	private final MeterRegistry meters;

	public PolicyEnforcementFilter(RoutePolicies policies, BearerTokenExtractor extractor, TokenVerifier verifier,
			TokenRevocationCheck revocation, MeterRegistry meters) {
		this.policies = policies;
		this.extractor = extractor;
		this.verifier = verifier;
		this.revocation = revocation;
		this.meters = meters;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route == null) {
			return Mono.error(new IllegalStateException("no route attribute"));
		}
		return Mono.defer(() -> enforce(exchange, chain, route)).doOnError(this::countRefusal);
	}

	private Mono<Void> enforce(ServerWebExchange original, GatewayFilterChain chain, Route route) {
		RoutePolicy policy = this.policies.policyFor(route);
		original.getAttributes().put(ForwardingAttributes.FORWARD_TOKEN, policy.forwardToken());
		ServerHttpRequest request = original.getRequest();
		boolean protocolToken = WebSocketProtocolToken.isOffered(request);
		// a WebSocket token subprotocol never goes further, whatever the route
		ServerWebExchange exchange = protocolToken
				? original.mutate().request(WebSocketProtocolToken.strip(request)).build() : original;
		if (policy.publicAccess()) {
			return chain.filter(exchange);
		}
		String token = this.extractor.extract(request);
		if (protocolToken) {
			token = WebSocketProtocolToken.extract(request, token);
		}
		if (token == null) {
			return Mono.error(new MissingBearerTokenException());
		}
		return this.verifier.verify(token).flatMap((verified) -> {
			if (!policy.acceptsIssuer(verified.issuer())) {
				return Mono.error(new TokenRejectedException(TokenRejectedException.Reason.ISSUER_NOT_ACCEPTED));
			}
			if (this.revocation.isRevoked(verified)) {
				return Mono.error(new TokenRejectedException(TokenRejectedException.Reason.REVOKED));
			}
			authorize(policy, verified);
			exchange.getAttributes().put(ForwardingAttributes.IDENTITY, verified);
			return chain.filter(exchange);
		});
	}

	/**
	 * Counts refusals by reason ({@code gatehouse.gateway.refusals}); never tags token
	 * content.
	 */
	private void countRefusal(Throwable error) {
		if (error instanceof GatewayRefusal refusal && refusal.refusalReason() != null) {
			this.meters.counter("gatehouse.gateway.refusals", "reason", refusal.refusalReason()).increment();
		}
	}

	private static void authorize(RoutePolicy policy, VerifiedToken token) {
		String refusal = policy.roleRefusal(token);
		if (refusal == null) {
			refusal = policy.scopeRefusal(token);
		}
		if (refusal != null) {
			throw new InsufficientScopeException(refusal);
		}
	}

}
