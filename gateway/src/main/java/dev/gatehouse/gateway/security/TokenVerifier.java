package dev.gatehouse.gateway.security;

import reactor.core.publisher.Mono;

/**
 * Verifies a compact JWS access token.
 */
@FunctionalInterface
public interface TokenVerifier {

	/**
	 * Verify a token.
	 * @param token the compact serialization
	 * @return the verified token, or an error: {@link TokenRejectedException} for a bad
	 * token, {@link KeysUnavailableException} when keys cannot be obtained at all
	 */
	Mono<VerifiedToken> verify(String token);

}
