package dev.gatehouse.gateway.policy;

import java.util.regex.Pattern;

import dev.gatehouse.gateway.security.ClaimPath;
import dev.gatehouse.gateway.security.TokenClaims;

/**
 * One entry of a route's {@code headers:} metadata: the request header {@code name}
 * carries the value of {@code claim} to the backend.
 *
 * @param name the header
 * @param claim the claim whose value it carries
 */
public record ClaimHeader(String name, ClaimPath claim) {

	/**
	 * Safe header text: visible ASCII, single spaces inside, at most 1024 characters. No
	 * CR, LF, NUL or other control character, no non-ASCII (which HTTP/1.1 servers read
	 * differently).
	 */
	private static final Pattern SAFE = Pattern.compile("[\\x21-\\x7E](?:[\\x20-\\x7E]{0,1022}[\\x21-\\x7E])?");

	/**
	 * @param claims the token's claims
	 * @return the value to send; {@code null} when the token lacks the claim (the header
	 * is then not sent)
	 * @throws UnsafeClaimHeaderException when the claim has a value that is not safe
	 * header text, or no single value (an array or object)
	 */
	String value(TokenClaims claims) {
		String value = claims.value(this.claim);
		if (value == null) {
			if (claims.has(this.claim)) {
				throw new UnsafeClaimHeaderException(this);
			}
			return null;
		}
		if (!SAFE.matcher(value).matches()) {
			throw new UnsafeClaimHeaderException(this);
		}
		return value;
	}

}
