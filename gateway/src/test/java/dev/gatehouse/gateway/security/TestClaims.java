package dev.gatehouse.gateway.security;

import java.time.Instant;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

/**
 * Verified tokens with arbitrary claims, for tests of claim conditions, claim headers and
 * claim-keyed limits (the claims are what the verifier would have kept).
 */
public final class TestClaims {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TestClaims() {
	}

	/**
	 * @return the claims of this JSON object
	 */
	public static TokenClaims of(String json) {
		return TokenClaims.of(JSON.readTree(json));
	}

	/**
	 * @return a verified token of {@code alice} (issuer {@code iss}, client {@code web})
	 * with these claims
	 */
	public static VerifiedToken token(String json) {
		return new VerifiedToken("iss", "alice", List.of("user"), List.of("items:read"), "web", "jti-1", "sid-1",
				Instant.now().plusSeconds(300), null, of(json));
	}

}
