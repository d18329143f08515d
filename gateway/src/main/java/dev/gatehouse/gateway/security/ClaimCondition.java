package dev.gatehouse.gateway.security;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One condition on a token claim, from route metadata ({@code claims:} or a rate limit's
 * {@code when:}): the claim equals a value, is one of several, matches a regular
 * expression (anchored: the whole value must match; compiled once, when the metadata is
 * read), or equals a URI variable of the route's {@code Path} predicate. An array claim
 * satisfies the condition when any of its elements does. Built by
 * {@link ClaimConditionParser}.
 */
public final class ClaimCondition {

	/** How the claim is compared. */
	public enum Operator {

		/** The claim equals one value. */
		EQUALS,

		/** The claim equals one of a list of values. */
		ONE_OF,

		/** The whole claim matches a regular expression. */
		MATCHES,

		/** The claim equals a URI variable of the route's Path predicate. */
		URI_VARIABLE

	}

	private final ClaimPath claim;

	private final Operator operator;

	private final String value;

	private final Set<String> values;

	private final Pattern pattern;

	private final String reason;

	ClaimCondition(ClaimPath claim, Operator operator, String value, Set<String> values, Pattern pattern) {
		this.claim = claim;
		this.operator = operator;
		this.value = value;
		this.values = (values != null) ? Set.copyOf(values) : Set.of();
		this.pattern = pattern;
		// built once: the refusal text names the claim, never its value (nor the
		// configured ones)
		this.reason = "claim '" + claim + "' does not satisfy the route's condition";
	}

	/**
	 * @param claims the verified token's claims
	 * @param uriVariables the URI variables the route's Path predicate matched (may be
	 * {@code null})
	 * @return whether the condition holds
	 */
	public boolean holds(TokenClaims claims, Map<String, String> uriVariables) {
		String expected = null;
		if (this.operator == Operator.URI_VARIABLE) {
			expected = (uriVariables != null) ? uriVariables.get(this.value) : null;
			if (expected == null) {
				// the variable did not match (a route not validated at start-up): never
				// holds
				return false;
			}
		}
		return claims.anyMatch(this.claim, this, expected);
	}

	boolean test(String claimValue, String expected) {
		return switch (this.operator) {
			case EQUALS -> this.value.equals(claimValue);
			case ONE_OF -> this.values.contains(claimValue);
			case MATCHES -> this.pattern.matcher(claimValue).matches();
			case URI_VARIABLE -> expected.equals(claimValue);
		};
	}

	/** The claim the condition reads. */
	public ClaimPath claim() {
		return this.claim;
	}

	public Operator operator() {
		return this.operator;
	}

	/**
	 * @return why a request fails this condition, safe to show a client: names the claim,
	 * never a value
	 */
	public String reason() {
		return this.reason;
	}

	/**
	 * @return the condition as configured, for operators (the explain endpoint, logs);
	 * not for clients
	 */
	public String describe() {
		return switch (this.operator) {
			case EQUALS -> this.claim + " equals '" + this.value + "'";
			case ONE_OF -> this.claim + " is one of " + new java.util.TreeSet<>(this.values);
			case MATCHES -> this.claim + " matches /" + this.pattern.pattern() + "/";
			case URI_VARIABLE -> this.claim + " equals the path variable {" + this.value + "}";
		};
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ClaimCondition that && this.claim.equals(that.claim) && this.operator == that.operator
				&& java.util.Objects.equals(this.value, that.value) && this.values.equals(that.values)
				&& java.util.Objects.equals((this.pattern != null) ? this.pattern.pattern() : null,
						(that.pattern != null) ? that.pattern.pattern() : null);
	}

	@Override
	public int hashCode() {
		return java.util.Objects.hash(this.claim, this.operator, this.value, this.values);
	}

	@Override
	public String toString() {
		return describe();
	}

}
