package dev.gatehouse.gateway.security;

import tools.jackson.databind.JsonNode;

/**
 * The verified claims of a token, read by route conditions, claim-keyed rate limits and
 * claim headers. Kept with the {@link VerifiedToken} in the verification cache, so a
 * request never parses its token again; read-only (the JSON tree is never handed out).
 * <p>
 * A claim's <em>value</em> for matching is its text: a JSON string as is, {@code true} /
 * {@code false}, an integer in decimal. Objects, {@code null} and fractional numbers have
 * no value and match nothing. An array matches when any element does (one level; at most
 * {@link #MAX_ARRAY_ELEMENTS} elements are looked at, a longer array matches nothing).
 */
public final class TokenClaims {

	/** No claims at all (e.g. a token built in a test). */
	public static final TokenClaims NONE = new TokenClaims(null);

	/** An array claim longer than this matches no condition. */
	public static final int MAX_ARRAY_ELEMENTS = 1000;

	private final JsonNode claims;

	private TokenClaims(JsonNode claims) {
		this.claims = claims;
	}

	static TokenClaims of(JsonNode claims) {
		return (claims != null && claims.isObject()) ? new TokenClaims(claims) : NONE;
	}

	/**
	 * @param path the claim
	 * @return the claim's single value as text, or {@code null} when it is absent, an
	 * array, an object, {@code null} or a fractional number
	 */
	public String value(ClaimPath path) {
		return text(find(path));
	}

	/**
	 * @param path the claim
	 * @return whether the claim is present at all (with any value)
	 */
	public boolean has(ClaimPath path) {
		return find(path) != null;
	}

	/**
	 * Whether the condition's test holds for the claim's value, or for any element when
	 * the claim is an array.
	 */
	boolean anyMatch(ClaimPath path, ClaimCondition condition, String expected) {
		JsonNode node = find(path);
		if (node == null) {
			return false;
		}
		if (node.isArray()) {
			if (node.size() > MAX_ARRAY_ELEMENTS) {
				return false;
			}
			for (int i = 0; i < node.size(); i++) {
				String text = text(node.get(i));
				if (text != null && condition.test(text, expected)) {
					return true;
				}
			}
			return false;
		}
		String text = text(node);
		return text != null && condition.test(text, expected);
	}

	private JsonNode find(ClaimPath path) {
		JsonNode node = this.claims;
		for (String segment : path.segments()) {
			if (node == null || !node.isObject()) {
				return null;
			}
			node = node.get(segment);
		}
		return (node == null || node.isNull() || node.isMissingNode()) ? null : node;
	}

	private static String text(JsonNode node) {
		if (node == null) {
			return null;
		}
		if (node.isString()) {
			return node.stringValue();
		}
		if (node.isBoolean()) {
			return node.booleanValue() ? "true" : "false";
		}
		if (node.isIntegralNumber()) {
			return node.asString();
		}
		return null;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof TokenClaims that && java.util.Objects.equals(this.claims, that.claims);
	}

	@Override
	public int hashCode() {
		return java.util.Objects.hashCode(this.claims);
	}

	/** Never the claims' values: this may end up in a log. */
	@Override
	public String toString() {
		return "TokenClaims[" + ((this.claims != null) ? this.claims.size() : 0) + " claims]";
	}

}
