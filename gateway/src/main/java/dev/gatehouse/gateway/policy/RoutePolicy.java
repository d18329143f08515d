package dev.gatehouse.gateway.policy;

import dev.gatehouse.gateway.ratelimit.RateLimit;
import dev.gatehouse.gateway.security.VerifiedToken;

import java.util.List;
import java.util.Set;

/**
 * A route's access policy, read from its {@code metadata}.
 *
 * @param publicAccess {@code auth: public}: no token needed (default: authenticated)
 * @param roles any one of these roles is required (empty: no role needed)
 * @param scopes all of these scopes are required
 * @param forwardToken pass the client's {@code Authorization} header to the backend
 * @param rateLimits the route's {@code rate-limit}s, all enforced (empty: not limited)
 * @param issuers the only issuers whose tokens the route accepts (empty: every configured
 * issuer)
 */
public record RoutePolicy(boolean publicAccess, List<String> roles, List<String> scopes, boolean forwardToken,
		List<RateLimit> rateLimits, Set<String> issuers) {

	/** What a route without policy metadata gets: a valid token, nothing more. */
	public static final RoutePolicy AUTHENTICATED = new RoutePolicy(false, List.of(), List.of(), false);

	public RoutePolicy {
		roles = List.copyOf(roles);
		scopes = List.copyOf(scopes);
		rateLimits = List.copyOf(rateLimits);
		issuers = Set.copyOf(issuers);
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
	 * The {@code roles} rule (enforcement and explain give the same reason).
	 * @param token the verified token
	 * @return why the token fails it, or {@code null} when it passes
	 */
	public String roleRefusal(VerifiedToken token) {
		if (!this.roles.isEmpty() && this.roles.stream().noneMatch(token.roles()::contains)) {
			return "requires one of the roles " + this.roles;
		}
		return null;
	}

	/**
	 * The {@code scopes} rule (enforcement and explain give the same reason).
	 * @param token the verified token
	 * @return why the token fails it, or {@code null} when it passes
	 */
	public String scopeRefusal(VerifiedToken token) {
		if (!token.scopes().containsAll(this.scopes)) {
			return "requires the scopes " + this.scopes;
		}
		return null;
	}

}
