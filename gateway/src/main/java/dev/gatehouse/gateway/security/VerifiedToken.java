package dev.gatehouse.gateway.security;

import java.time.Instant;
import java.util.List;

/**
 * The facts Gatehouse took from a verified access token. Never holds the token itself.
 *
 * @param issuer {@code iss}
 * @param subject {@code sub}
 * @param roles {@code roles}, in token order
 * @param scopes {@code scope}, split on spaces
 * @param clientId {@code client_id} or {@code null}
 * @param tokenId {@code jti} or {@code null}
 * @param sessionId {@code sid} (login/refresh family) or {@code null}
 * @param expiresAt {@code exp}
 * @param issuedAt {@code iat} or {@code null}
 */
public record VerifiedToken(String issuer, String subject, List<String> roles, List<String> scopes, String clientId,
		String tokenId, String sessionId, Instant expiresAt, Instant issuedAt) {

	/** A token without {@code iat}. */
	public VerifiedToken(String issuer, String subject, List<String> roles, List<String> scopes, String clientId,
			String tokenId, String sessionId, Instant expiresAt) {
		this(issuer, subject, roles, scopes, clientId, tokenId, sessionId, expiresAt, null);
	}

	public VerifiedToken {
		roles = List.copyOf(roles);
		scopes = List.copyOf(scopes);
	}

}
