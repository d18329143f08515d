package dev.gatehouse.auth.token;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.jsonwebtoken.Jwts;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.keys.SigningKey;
import dev.gatehouse.auth.bearer.AccessTokenClaims;
import dev.gatehouse.auth.keys.SigningKeys;

import org.springframework.stereotype.Component;

/**
 * Signs access tokens in the RFC 9068 profile ({@code typ: at+jwt}) with the active key.
 */
@Component
final class AccessTokenIssuer {

	private final SigningKeys keys;

	private final AuthProperties properties;

	private final Clock clock;

	AccessTokenIssuer(SigningKeys keys, AuthProperties properties, Clock clock) {
		this.keys = keys;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * @param notBefore the user's "not before" instant, if any: a token is never dated
	 * before it, so a login right after a revocation in the same second is not mistaken
	 * for a revoked one
	 * @param jkt the thumbprint of the DPoP key the token is bound to ({@code cnf.jkt}),
	 * or {@code null} for a bearer token
	 */
	public IssuedAccessToken issue(String subject, String clientId, Collection<String> scopes, Collection<String> roles,
			String sessionId, Instant notBefore, String jkt) {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		if (notBefore != null && notBefore.isAfter(now)) {
			now = notBefore;
		}
		Instant expiresAt = now.plus(this.properties.accessTokenTtl());
		String jti = UUID.randomUUID().toString();
		SigningKey key = this.keys.active();
		var builder = Jwts.builder()
			.header()
			.keyId(key.kid())
			.type(AccessTokenClaims.TYPE)
			.and()
			.issuer(this.properties.issuer())
			.subject(subject)
			.audience()
			.single(this.properties.audience())
			.issuedAt(Date.from(now))
			.notBefore(Date.from(now))
			.expiration(Date.from(expiresAt))
			.id(jti)
			.claim(AccessTokenClaims.CLIENT_ID, clientId)
			.claim(AccessTokenClaims.SCOPE, String.join(" ", scopes))
			.claim(AccessTokenClaims.ROLES, List.copyOf(roles));
		if (sessionId != null) {
			builder.claim(AccessTokenClaims.SESSION, sessionId);
		}
		if (jkt != null) {
			builder.claim(AccessTokenClaims.CONFIRMATION, Map.of(AccessTokenClaims.JWK_THUMBPRINT, jkt));
		}
		String token = builder.signWith(key.privateKey(), key.algorithm()).compact();
		return new IssuedAccessToken(token, jti, expiresAt);
	}

	/** An issued access token; {@link #toString()} never shows the token itself. */
	public record IssuedAccessToken(String value, String jti, Instant expiresAt) {

		@Override
		public String toString() {
			return "IssuedAccessToken[jti=" + this.jti + ", expiresAt=" + this.expiresAt + "]";
		}
	}

}
