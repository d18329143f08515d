package dev.gatehouse.auth.bearer;

import java.time.Instant;
import java.util.List;

/** The claims of a verified access token that the service acts on. */
public record VerifiedAccessToken(String subject, String jti, String clientId, String sessionId, List<String> roles,
		Instant issuedAt, Instant expiresAt) {

	public boolean hasRole(String role) {
		return this.roles.contains(role);
	}

}
