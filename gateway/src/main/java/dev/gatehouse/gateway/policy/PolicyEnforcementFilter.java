package dev.gatehouse.gateway.policy;

import java.util.Map;

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
import dev.gatehouse.gateway.ratelimit.RateLimitFilter;
import dev.gatehouse.gateway.security.BearerTokenExtractor;
import dev.gatehouse.gateway.security.InsufficientScopeException;
import dev.gatehouse.gateway.security.MissingBearerTokenException;
import dev.gatehouse.gateway.security.TokenRejectedException;
import dev.gatehouse.gateway.security.TokenRevocationCheck;
import dev.gatehouse.gateway.security.TokenVerifier;
import dev.gatehouse.gateway.security.VerifiedToken;
import dev.gatehouse.gateway.security.WebSocketProtocolToken;
import dev.gatehouse.gateway.security.dpop.DpopEnforcement;

/**
 * Enforces the matched route's policy before any route filter or the backend call: public
 * routes pass; every other route needs a valid bearer token (deny by default) from one of
 * the route's {@code issuers} (401 otherwise), then any one of {@code roles}, all of
 * {@code scopes} and every {@code claims} condition (403 otherwise, naming the claim but
 * never its value); the route's claim {@code headers} are then computed for the
 * forwarding filter. Everything is read from the cached verified token: no request parses
 * its token again. Refusals are errors that {@code GatewayExceptionHandler} renders; the
 * backend is never called for them.
 */
public final class PolicyEnforcementFilter implements GlobalFilter, Ordered {

	/**
	 * Before the rate limiter (which reads the verified token), route filters (circuit
	 * breaker, retry) and routing.
	 */
	public static final int ORDER = RateLimitFilter.ORDER - 10;

	private final RoutePolicies policies;

	private final BearerTokenExtractor extractor;

	private final TokenVerifier verifier;

	private final TokenRevocationCheck revocation;

	private final MeterRegistry meters;

	private final DpopEnforcement dpop;

	public PolicyEnforcementFilter(RoutePolicies policies, BearerTokenExtractor extractor, TokenVerifier verifier,
			TokenRevocationCheck revocation, MeterRegistry meters, DpopEnforcement dpop) {
		this.policies = policies;
		this.extractor = extractor;
		this.verifier = verifier;
		this.revocation = revocation;
		this.meters = meters;
		this.dpop = dpop;
	}

	/** Without DPoP: bound tokens and sender-constrained routes are refused. */
	public PolicyEnforcementFilter(RoutePolicies policies, BearerTokenExtractor extractor, TokenVerifier verifier,
			TokenRevocationCheck revocation, MeterRegistry meters) {
		this(policies, extractor, verifier, revocation, meters, DpopEnforcement.disabled());
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
		// DPoP (RFC 9449) is looked for only when there is no bearer token
		String dpopToken = (token == null) ? this.dpop.extractToken(request) : null;
		if (dpopToken != null) {
			token = dpopToken;
		}
		if (protocolToken) {
			token = WebSocketProtocolToken.extract(request, token);
		}
		if (token == null) {
			return Mono.error(new MissingBearerTokenException());
		}
		String presented = token;
		return this.verifier.verify(token).flatMap((verified) -> {
			if (dpopToken != null) {
				// the token's verification is cached; the proof is checked per request
				return this.dpop.checkProof(request, presented, verified)
					.then(Mono.defer(() -> authorize(exchange, chain, policy, verified)));
			}
			this.dpop.checkBearer(verified, policy.senderConstrained());
			return authorize(exchange, chain, policy, verified);
		});
	}

	private Mono<Void> authorize(ServerWebExchange exchange, GatewayFilterChain chain, RoutePolicy policy,
			VerifiedToken verified) {
		if (!policy.acceptsIssuer(verified.issuer())) {
			return Mono.error(new TokenRejectedException(TokenRejectedException.Reason.ISSUER_NOT_ACCEPTED));
		}
		if (this.revocation.isRevoked(verified)) {
			return Mono.error(new TokenRejectedException(TokenRejectedException.Reason.REVOKED));
		}
		Map<String, String> uriVariables = policy.usesUriVariables()
				? exchange.getAttribute(ServerWebExchangeUtils.URI_TEMPLATE_VARIABLES_ATTRIBUTE) : null;
		String refusal = policy.refusal(verified, uriVariables);
		if (refusal != null) {
			return Mono.error(new InsufficientScopeException(refusal));
		}
		if (!policy.headers().isEmpty()) {
			// throws (403) when a claim is not safe header text
			exchange.getAttributes().put(ForwardingAttributes.CLAIM_HEADERS, policy.claimHeaders(verified));
		}
		exchange.getAttributes().put(ForwardingAttributes.IDENTITY, verified);
		return chain.filter(exchange);
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

}
