package dev.gatehouse.gateway.ops;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.ErrorResponse;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import dev.gatehouse.gateway.forwarding.ForwardingAttributes;
import dev.gatehouse.gateway.policy.RoutePolicies;
import dev.gatehouse.gateway.policy.RoutePolicy;
import dev.gatehouse.gateway.problem.GatewayExceptionHandler;
import dev.gatehouse.gateway.ratelimit.RateLimit;
import dev.gatehouse.gateway.ratelimit.RateLimitFilter;
import dev.gatehouse.gateway.routes.RoutesReload;
import dev.gatehouse.gateway.security.BearerTokenExtractor;
import dev.gatehouse.gateway.security.ClaimCondition;
import dev.gatehouse.gateway.security.InsufficientScopeException;
import dev.gatehouse.gateway.security.MissingBearerTokenException;
import dev.gatehouse.gateway.security.TokenRejectedException;
import dev.gatehouse.gateway.security.TokenRevocationCheck;
import dev.gatehouse.gateway.security.TokenVerifier;
import dev.gatehouse.gateway.security.VerifiedToken;
import dev.gatehouse.gateway.security.dpop.DpopEnforcement;

/**
 * {@code GET /actuator/gatehouse/explain?method=GET&path=/x} (management port only): what
 * the gateway would do with that request and the request's own {@code Authorization}
 * header, using the very components that serve traffic: the route it matches, that
 * route's policy, each rule passed or failed with the reason a refusal would give, the
 * rate limits with their keys and current counts (read, never counted), and the headers
 * the backend would receive. Read-only: nothing is counted, cached or forwarded. The
 * token is never echoed (a forwarded {@code Authorization} shows as a placeholder). Also
 * shows the routes file's reload status.
 */
final class ExplainHandler {

	static final String PASS = "pass";

	static final String FAIL = "fail";

	static final String SKIPPED = "skipped";

	private static final String FORWARDED_TOKEN = "(the request's Authorization header, passed on unchanged)";

	private final RouteLocator routes;

	private final RoutePolicies policies;

	private final BearerTokenExtractor extractor = new BearerTokenExtractor();

	private final TokenVerifier verifier;

	private final TokenRevocationCheck revocation;

	private final RateLimitFilter limiter;

	private final List<HttpHeadersFilter> headers;

	private final GatewayExceptionHandler problems;

	private final RoutesReload reload;

	private final DpopEnforcement dpop;

	ExplainHandler(RouteLocator routes, RoutePolicies policies, TokenVerifier verifier, TokenRevocationCheck revocation,
			RateLimitFilter limiter, List<HttpHeadersFilter> headers, GatewayExceptionHandler problems,
			RoutesReload reload, DpopEnforcement dpop) {
		this.routes = routes;
		this.policies = policies;
		this.verifier = verifier;
		this.revocation = revocation;
		this.limiter = limiter;
		this.headers = headers;
		this.problems = problems;
		this.reload = reload;
		this.dpop = dpop;
	}

	Mono<ServerResponse> explain(ServerRequest request) {
		String method = request.queryParam("method").orElse("GET").toUpperCase(Locale.ROOT);
		Optional<String> path = request.queryParam("path");
		if (path.isEmpty() || !path.get().startsWith("/") || !method.matches("[A-Z]{1,32}")) {
			return ServerResponse.badRequest()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("error", "query parameters: method (e.g. GET) and path (starting with /)"));
		}
		ServerWebExchange probe;
		try {
			URI uri = UriComponentsBuilder.fromUri(request.uri())
				.replacePath(null)
				.replaceQuery(null)
				.path(path.get())
				.build(false)
				.toUri();
			probe = request.exchange().mutate().request((r) -> r.method(HttpMethod.valueOf(method)).uri(uri)).build();
		}
		catch (IllegalArgumentException ex) {
			return ServerResponse.badRequest()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("error", "path: not a valid request path"));
		}
		return this.routes.getRoutes()
			.concatMap((route) -> Mono.just(route).filterWhen((r) -> r.getPredicate().apply(probe)))
			.next()
			.flatMap((route) -> explain(route, probe))
			.switchIfEmpty(Mono.fromSupplier(() -> noRoute(probe)))
			.flatMap((body) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body));
	}

	private Map<String, Object> noRoute(ServerWebExchange probe) {
		ErrorResponse problem = this.problems.toProblem(probe,
				new org.springframework.web.server.ResponseStatusException(HttpStatus.NOT_FOUND));
		Explanation explanation = new Explanation();
		explanation.fail("route", problem);
		return explanation.body(null, null, List.of(), Map.of(), status());
	}

	private Mono<Map<String, Object>> explain(Route route, ServerWebExchange probe) {
		RoutePolicy policy = this.policies.policyFor(route);
		Explanation explanation = new Explanation();
		explanation.pass("route", "matches route '" + route.getId() + "'");
		probe.getAttributes().put(ForwardingAttributes.FORWARD_TOKEN, policy.forwardToken());
		Mono<Optional<VerifiedToken>> identity;
		if (policy.publicAccess()) {
			explanation.pass("auth", "public route: no token needed");
			identity = Mono.just(Optional.empty());
		}
		else {
			identity = authenticate(policy, probe, explanation);
		}
		return identity.flatMap((token) -> {
			token.ifPresent((verified) -> probe.getAttributes().put(ForwardingAttributes.IDENTITY, verified));
			return rateLimits(route, probe, explanation)
				.map((limits) -> explanation.body(route, policy(policy), limits, headers(probe), status()));
		});
	}

	private Mono<Optional<VerifiedToken>> authenticate(RoutePolicy policy, ServerWebExchange probe,
			Explanation explanation) {
		String token;
		boolean dpopScheme = false;
		try {
			token = this.extractor.extract(probe.getRequest());
			if (token == null) {
				token = this.dpop.extractToken(probe.getRequest());
				dpopScheme = token != null;
			}
		}
		catch (RuntimeException ex) {
			explanation.fail("token", this.problems.toProblem(probe, ex));
			explanation.skip("issuers", "roles", "scopes");
			return Mono.just(Optional.empty());
		}
		if (token == null) {
			explanation.fail("token", this.problems.toProblem(probe, new MissingBearerTokenException()));
			explanation.skip("issuers", "roles", "scopes");
			return Mono.just(Optional.empty());
		}
		String presented = token;
		boolean dpop = dpopScheme;
		return Mono.defer(() -> this.verifier.verify(presented)).map((verified) -> {
			explanation.pass("token", "valid token from " + verified.issuer() + " for subject '" + verified.subject()
					+ "'" + ((verified.tokenId() != null) ? " (jti " + verified.tokenId() + ")" : ""));
			explainDpop(explanation, probe, policy, verified, dpop);
			if (policy.acceptsIssuer(verified.issuer())) {
				explanation.pass("issuers", policy.issuers().isEmpty() ? "every configured issuer is accepted"
						: "issuer is one of " + policy.issuers());
			}
			else {
				explanation.fail("issuers", this.problems.toProblem(probe,
						new TokenRejectedException(TokenRejectedException.Reason.ISSUER_NOT_ACCEPTED)));
			}
			if (this.revocation.isRevoked(verified)) {
				explanation.fail("revocation", this.problems.toProblem(probe,
						new TokenRejectedException(TokenRejectedException.Reason.REVOKED)));
			}
			else {
				explanation.pass("revocation", "not revoked");
			}
			// roles, scopes, claim conditions and claim headers: the policy's own
			// evaluation,
			// with the reasons a 403 would give
			RoutePolicy.Evaluation evaluation = policy.evaluate(verified,
					ServerWebExchangeUtils.getUriTemplateVariables(probe));
			for (RoutePolicy.RuleResult result : evaluation.rules()) {
				if (!result.rule().startsWith("issuer is one of") && !result.rule().startsWith("sender-constrained")) {
					rule(explanation, probe, ruleName(result.rule()), result.reason(), result.rule());
				}
			}
			return Optional.of(verified);
		}).onErrorResume((ex) -> {
			explanation.fail("token", this.problems.toProblem(probe, ex));
			explanation.skip("issuers", "revocation", "roles", "scopes");
			return Mono.just(Optional.empty());
		});
	}

	/**
	 * DPoP (RFC 9449): whether the token fits its scheme and the route's
	 * {@code sender-constrained}. A proof is never checked here: that would spend its
	 * {@code jti}.
	 */
	private void explainDpop(Explanation explanation, ServerWebExchange probe, RoutePolicy policy,
			VerifiedToken verified, boolean dpopScheme) {
		RuntimeException refusal = this.dpop.refusal(verified, dpopScheme, policy.senderConstrained());
		if (refusal != null) {
			explanation.fail("dpop", this.problems.toProblem(probe, refusal));
		}
		else if (dpopScheme) {
			explanation.pass("dpop", "a DPoP-bound token; its DPoP proof is checked on each request, not here");
		}
		else if (policy.senderConstrained()) {
			explanation.pass("dpop", "sender-constrained route");
		}
	}

	/** The stable name a rule is listed under (its description is the pass text). */
	private static String ruleName(String description) {
		if (description.startsWith("one of the roles")) {
			return "roles";
		}
		if (description.startsWith("all of the scopes")) {
			return "scopes";
		}
		return description.contains(" carries claim ") ? "headers" : "claims";
	}

	private void rule(Explanation explanation, ServerWebExchange probe, String rule, String refusal, String passed) {
		if (refusal == null) {
			explanation.pass(rule, passed);
		}
		else {
			explanation.fail(rule, this.problems.toProblem(probe, new InsufficientScopeException(refusal)));
		}
	}

	private Mono<List<Map<String, Object>>> rateLimits(Route route, ServerWebExchange probe, Explanation explanation) {
		return this.limiter.inspect(route, probe).map((states) -> {
			List<Map<String, Object>> limits = new ArrayList<>();
			boolean exhausted = false;
			for (RateLimitFilter.LimitState state : states) {
				Map<String, Object> limit = limit(state.limit());
				limit.put("counts", state.key());
				limit.put("used", state.limit().requests() - state.state().remaining());
				limit.put("remaining", state.state().remaining());
				limit.put("resetSeconds", state.state().resetSeconds());
				limits.add(limit);
				exhausted |= state.state().remaining() == 0;
			}
			if (!states.isEmpty()) {
				if (exhausted) {
					explanation.fail("rate-limit", this.problems.toProblem(probe,
							new dev.gatehouse.gateway.ratelimit.RateLimitedException(1)));
				}
				else {
					explanation.pass("rate-limit", "within every limit");
				}
			}
			return limits;
		}).onErrorResume((ex) -> {
			explanation.fail("rate-limit", "the rate-limit store cannot be read: " + ex.getClass().getSimpleName());
			return Mono.just(List.of());
		});
	}

	/**
	 * What the backend would receive: the request headers through every request
	 * {@link HttpHeadersFilter}, in order, as Spring Cloud Gateway's routing filter
	 * applies them (hop-by-hop removal, then the gateway's identity and forwarding
	 * headers).
	 */
	private Map<String, Object> headers(ServerWebExchange probe) {
		HttpHeaders out = HttpHeadersFilter.filterRequest(this.headers, probe);
		Map<String, Object> headers = new LinkedHashMap<>();
		out.headerSet().forEach((header) -> {
			if (HttpHeaders.AUTHORIZATION.equalsIgnoreCase(header.getKey())) {
				headers.put(header.getKey(), FORWARDED_TOKEN);
			}
			else if (!HttpHeaders.HOST.equalsIgnoreCase(header.getKey())) {
				headers.put(header.getKey(), String.join(", ", header.getValue()));
			}
		});
		headers.putIfAbsent(dev.gatehouse.gateway.forwarding.RequestIdWebFilter.HEADER, "(the request's id)");
		return headers;
	}

	private static Map<String, Object> policy(RoutePolicy policy) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("auth", policy.publicAccess() ? "public" : "authenticated");
		body.put("roles", policy.roles());
		body.put("scopes", policy.scopes());
		body.put("issuers", policy.issuers().stream().sorted().toList());
		body.put("claims", policy.claims().stream().map(ClaimCondition::describe).toList());
		Map<String, String> claimHeaders = new LinkedHashMap<>();
		policy.headers().forEach((header) -> claimHeaders.put(header.name(), header.claim().toString()));
		body.put("headers", claimHeaders);
		body.put("forwardToken", policy.forwardToken());
		body.put("senderConstrained", policy.senderConstrained());
		body.put("rateLimits", policy.rateLimits().stream().map(ExplainHandler::limit).toList());
		return body;
	}

	private static Map<String, Object> limit(RateLimit limit) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("name", limit.name());
		body.put("requests", limit.requests());
		body.put("period", DurationStyle.SIMPLE.print(limit.period()));
		body.put("key", limit.keyName());
		if (limit.isPlan()) {
			body.put("when", limit.when().stream().map(ClaimCondition::describe).toList());
		}
		return body;
	}

	private Map<String, Object> status() {
		RoutesReload.Status status = this.reload.status();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("routesFile", status.routesFile());
		body.put("lastLoaded", (status.lastLoaded() != null) ? status.lastLoaded().toString() : null);
		body.put("routes", status.routes());
		body.put("lastFailure", (status.lastFailure() != null) ? status.lastFailure().toString() : null);
		body.put("lastFailureProblems", status.lastFailureProblems());
		return body;
	}

	/** The rules in enforcement order; the first failure decides the status. */
	private static final class Explanation {

		private final List<Map<String, Object>> reasons = new ArrayList<>();

		private Integer status;

		void pass(String rule, String reason) {
			add(rule, PASS, reason);
		}

		void fail(String rule, ErrorResponse problem) {
			add(rule, FAIL, problem.getBody().getDetail());
			if (this.status == null) {
				this.status = problem.getStatusCode().value();
			}
		}

		void fail(String rule, String reason) {
			add(rule, FAIL, reason);
		}

		void skip(String... rules) {
			for (String rule : rules) {
				add(rule, SKIPPED, "not evaluated: no valid token");
			}
		}

		private void add(String rule, String result, String reason) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("rule", rule);
			entry.put("result", result);
			entry.put("reason", reason);
			this.reasons.add(entry);
		}

		Map<String, Object> body(Route route, Map<String, Object> policy, List<Map<String, Object>> rateLimits,
				Map<String, Object> headers, Map<String, Object> reload) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("route", (route != null) ? route.getId() : null);
			body.put("policy", policy);
			body.put("decision", (this.status == null) ? "allow" : "deny");
			// allow: forwarded, and the backend answers (no status of the gateway's own)
			body.put("status", this.status);
			body.put("reasons", this.reasons);
			body.put("rateLimits", rateLimits);
			body.put("headers", (this.status == null) ? headers : Map.of());
			body.put("reload", reload);
			return body;
		}

	}

}
