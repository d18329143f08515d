package dev.gatehouse.gateway.tracing;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Mono;

import dev.gatehouse.gateway.security.TokenVerifier;
import dev.gatehouse.gateway.security.VerifiedToken;

/**
 * Token verification as an observation ({@value #NAME}, span "token verification"): cache
 * lookup, signature, claims and any key fetch it waits for. Present only when tracing is
 * on.
 */
final class ObservedTokenVerifier implements TokenVerifier {

	static final String NAME = "gatehouse.gateway.token.verification";

	private final TokenVerifier delegate;

	private final ObservationRegistry registry;

	ObservedTokenVerifier(TokenVerifier delegate, ObservationRegistry registry) {
		this.delegate = delegate;
		this.registry = registry;
	}

	@Override
	public Mono<VerifiedToken> verify(String token) {
		return Observed.observe(this.registry, NAME, "token verification", KeyValues.empty(),
				() -> this.delegate.verify(token));
	}

}
