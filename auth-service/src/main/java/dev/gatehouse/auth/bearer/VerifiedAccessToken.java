package dev.gatehouse.auth.bearer;

import java.time.Instant;
import java.util.List;

/**
 * The claims of a verified access token that the service acts on; {@code jkt} is the
 * thumbprint of the DPoP key it is bound to ({@code cnf.jkt}), or {@code null}.
 */
public record VerifiedAccessToken(String subject, String jti, String clientId, String sessionId, List<String> roles,
		Instant issuedAt, Instant expiresAt, String jkt) {

	public boolean hasRole(String role) {
		return this.roles.contains(role);
	}

}
