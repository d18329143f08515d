package dev.gatehouse.gateway.security;

/**
 * Seam for revocation (issue 4): consulted on every request after the token verified,
 * also when it came from the verified-token cache. Answers from memory: never I/O, never
 * blocks.
 */
@FunctionalInterface
public interface TokenRevocationCheck {

	/** A check that never revokes anything; the default until a denylist is wired in. */
	TokenRevocationCheck NONE = token -> false;

	/**
	 * @param token a verified token
	 * @return whether it has been revoked ({@code jti} or {@code sid} denylisted)
	 */
	boolean isRevoked(VerifiedToken token);

}
