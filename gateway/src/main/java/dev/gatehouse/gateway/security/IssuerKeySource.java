package dev.gatehouse.gateway.security;

import java.security.Key;

import reactor.core.publisher.Mono;

/**
 * Where an issuer's verification keys come from. {@link #find} is called inside the JWT
 * parser (synchronously) and therefore only ever reads memory; any I/O happens in
 * {@link #prepare}, which completes before the parser runs.
 */
interface IssuerKeySource {

	/**
	 * Look a key up in memory. Never does I/O.
	 * @param kid the token's {@code kid} (may be {@code null})
	 * @param alg the token's {@code alg}
	 * @return the key, or {@code null} if none is known
	 */
	Key find(String kid, String alg);

	/**
	 * Make the key for {@code kid} available if it can be (for a JWKS: refresh when the
	 * cache is stale or the {@code kid} is unknown, within the refetch cooldown).
	 * @param kid the token's {@code kid} (may be {@code null})
	 * @param alg the token's {@code alg}
	 * @return completion; {@link KeysUnavailableException} if no keys were ever obtained
	 */
	default Mono<Void> prepare(String kid, String alg) {
		return Mono.empty();
	}

}
