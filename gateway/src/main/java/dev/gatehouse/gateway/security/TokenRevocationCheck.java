package dev.gatehouse.gateway.security;

import reactor.core.publisher.Mono;

/**
 * Seam for revocation (issue 4): consulted on every request after the token verified,
 * also when it came from the verified-token cache. Must not block.
 */
@FunctionalInterface
public interface TokenRevocationCheck {

	/** A check that never revokes anything; the default until a denylist is wired in. */
	TokenRevocationCheck NONE = token -> Mono.just(false);

	/**
	 * @param token a verified token
	 * @return whether it has been revoked ({@code jti} or {@code sid} denylisted)
	 */
	Mono<Boolean> isRevoked(VerifiedToken token);

}
