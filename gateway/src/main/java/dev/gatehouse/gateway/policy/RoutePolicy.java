package dev.gatehouse.gateway.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.gatehouse.gateway.ratelimit.RateLimit;
import dev.gatehouse.gateway.security.ClaimCondition;
import dev.gatehouse.gateway.security.VerifiedToken;

/**
 * A route's access policy, read from its {@code metadata}.
 *
 * @param publicAccess {@code auth: public}: no token needed (default: authenticated)
 * @param roles any one of these roles is required (empty: no role needed)
 * @param scopes all of these scopes are required
 * @param forwardToken pass the client's {@code Authorization} header to the backend
 * @param rateLimits the route's {@code rate-limit}s (empty: not limited); the rate
 * limiter reads them itself, they are here for validation and explanation
 * @param issuers the only issuers whose tokens the route accepts (empty: every configured
 * issuer)
 * @param claims {@code claims}: conditions that must all hold
 * @param headers {@code headers}: claims sent to the backend as request headers
 * @param senderConstrained {@code sender-constrained}: only DPoP-bound tokens, each with
 * its proof (RFC 9449)
 */
public record RoutePolicy(boolean publicAccess, List<String> roles, List<String> scopes, boolean forwardToken,
		List<RateLimit> rateLimits, Set<String> issuers, List<ClaimCondition> claims, List<ClaimHeader> headers,
		boolean senderConstrained) {

	/** What a route without policy metadata gets: a valid token, nothing more. */
	public static final RoutePolicy AUTHENTICATED = new RoutePolicy(false, List.of(), List.of(), false);

	public RoutePolicy {
		roles = List.copyOf(roles);
		scopes = List.copyOf(scopes);
		rateLimits = List.copyOf(rateLimits);
		issuers = Set.copyOf(issuers);
		claims = List.copyOf(claims);
		headers = List.copyOf(headers);
	}

	/** A policy that accepts bearer tokens. */
	public RoutePolicy(boolean publicAccess, List<String> roles, List<String> scopes, boolean forwardToken,
			List<RateLimit> rateLimits, Set<String> issuers, List<ClaimCondition> claims, List<ClaimHeader> headers) {
		this(publicAccess, roles, scopes, forwardToken, rateLimits, issuers, claims, headers, false);
	}

	/** A policy without claim conditions or claim headers. */
	public RoutePolicy(boolean publicAccess, List<String> roles, List<String> scopes, boolean forwardToken,
			List<RateLimit> rateLimits, Set<String> issuers) {
		this(publicAccess, roles, scopes, forwardToken, rateLimits, issuers, List.of(), List.of());
	}

	/** A policy that accepts tokens of every configured issuer. */
	public RoutePolicy(boolean publicAccess, List<String> roles, List<String> scopes, boolean forwardToken,
			List<RateLimit> rateLimits) {
		this(publicAccess, roles, scopes, forwardToken, rateLimits, Set.of());
	}

	/** A policy without rate limits. */
	public RoutePolicy(boolean publicAccess, List<String> roles, List<String> scopes, boolean forwardToken) {
		this(publicAccess, roles, scopes, forwardToken, List.of());
	}

	/**
	 * @return whether a token with this {@code iss} may be used on the route (one set
	 * lookup)
	 */
	public boolean acceptsIssuer(String issuer) {
		return this.issuers.isEmpty() || this.issuers.contains(issuer);
	}

	/**
	 * @return whether a claim condition compares with a URI variable of the path
	 */
	boolean usesUriVariables() {
		for (int i = 0; i < this.claims.size(); i++) {
			if (this.claims.get(i).operator() == ClaimCondition.Operator.URI_VARIABLE) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The request path's check of roles, scopes and claim conditions: stops at the first
	 * failure and allocates nothing when all hold.
	 * @param token the verified token
	 * @param uriVariables the URI variables the Path predicate matched (may be
	 * {@code null})
	 * @return {@code null} when the token may use the route; else why not, safe to show
	 * the client (names a claim, never its value)
	 */
	public String refusal(VerifiedToken token, Map<String, String> uriVariables) {
		if (!this.roles.isEmpty() && !anyRole(token)) {
			return rolesReason();
		}
		if (!token.scopes().containsAll(this.scopes)) {
			return scopesReason();
		}
		for (int i = 0; i < this.claims.size(); i++) {
			ClaimCondition condition = this.claims.get(i);
			if (!condition.holds(token.claims(), uriVariables)) {
				return condition.reason();
			}
		}
		return null;
	}

	/**
	 * Every rule of the policy checked against a token, each with its outcome (for the
	 * explain endpoint and tests; the request path uses {@link #refusal}).
	 * @param token the verified token, or {@code null} for a request without one
	 * @param uriVariables the URI variables the Path predicate matched (may be
	 * {@code null})
	 * @return the evaluation
	 */
	public Evaluation evaluate(VerifiedToken token, Map<String, String> uriVariables) {
		List<RuleResult> rules = new ArrayList<>();
		if (this.publicAccess) {
			rules.add(new RuleResult("auth: public", true, null));
			return new Evaluation(200, rules);
		}
		if (token == null) {
			rules.add(new RuleResult("a valid bearer token", false, "missing or invalid token"));
			return new Evaluation(401, rules);
		}
		boolean bound = !this.senderConstrained || token.senderConstrained();
		if (this.senderConstrained) {
			rules.add(new RuleResult("sender-constrained: a DPoP-bound token with its proof", bound,
					bound ? null : "this route accepts DPoP-bound tokens only"));
		}
		boolean issuer = acceptsIssuer(token.issuer());
		if (!this.issuers.isEmpty()) {
			rules.add(new RuleResult("issuer is one of " + new java.util.TreeSet<>(this.issuers), issuer,
					issuer ? null : "issuer not accepted on this route"));
		}
		if (!this.roles.isEmpty()) {
			boolean pass = anyRole(token);
			rules.add(new RuleResult("one of the roles " + this.roles, pass, pass ? null : rolesReason()));
		}
		if (!this.scopes.isEmpty()) {
			boolean pass = token.scopes().containsAll(this.scopes);
			rules.add(new RuleResult("all of the scopes " + this.scopes, pass, pass ? null : scopesReason()));
		}
		for (ClaimCondition condition : this.claims) {
			boolean pass = condition.holds(token.claims(), uriVariables);
			rules.add(new RuleResult(condition.describe(), pass, pass ? null : condition.reason()));
		}
		for (ClaimHeader header : this.headers) {
			String reason = null;
			try {
				header.value(token.claims());
			}
			catch (UnsafeClaimHeaderException ex) {
				reason = ex.getMessage();
			}
			rules.add(new RuleResult(header.name() + " carries claim " + header.claim(), reason == null, reason));
		}
		boolean allowed = rules.stream().allMatch(RuleResult::passed);
		return new Evaluation((!issuer || !bound) ? 401 : allowed ? 200 : 403, rules);
	}

	/**
	 * The claim headers' names and values for one token, alternating (a {@code null}
	 * value: the token lacks the claim; the header is only removed).
	 * @throws UnsafeClaimHeaderException when a value is not safe header text
	 */
	String[] claimHeaders(VerifiedToken token) {
		String[] namesAndValues = new String[this.headers.size() * 2];
		for (int i = 0; i < this.headers.size(); i++) {
			ClaimHeader header = this.headers.get(i);
			namesAndValues[2 * i] = header.name();
			namesAndValues[2 * i + 1] = (token != null) ? header.value(token.claims()) : null;
		}
		return namesAndValues;
	}

	private boolean anyRole(VerifiedToken token) {
		for (int i = 0; i < this.roles.size(); i++) {
			if (token.roles().contains(this.roles.get(i))) {
				return true;
			}
		}
		return false;
	}

	private String rolesReason() {
		return "requires one of the roles " + this.roles;
	}

	private String scopesReason() {
		return "requires the scopes " + this.scopes;
	}

	/**
	 * A policy checked against one token.
	 *
	 * @param status 200 (allowed), 401 (no token, an issuer the route does not accept, or
	 * a bearer token on a sender-constrained route) or 403
	 * @param rules every rule with its outcome, in the order checked
	 */
	public record Evaluation(int status, List<RuleResult> rules) {

		public Evaluation {
			rules = List.copyOf(rules);
		}

		public boolean allowed() {
			return this.status == 200;
		}

	}

	/**
	 * One rule of a policy and its outcome.
	 *
	 * @param rule the rule as configured (for operators: may show configured values)
	 * @param passed whether it holds
	 * @param reason why not, as a client would be told ({@code null} when it holds)
	 */
	public record RuleResult(String rule, boolean passed, String reason) {

	}

}
