package dev.gatehouse.auth.bearer;

import java.security.Key;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.Header;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.ProtectedHeader;
import io.jsonwebtoken.security.SecurityException;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.keys.SigningKey;
import dev.gatehouse.auth.keys.SigningKeys;

import org.springframework.stereotype.Component;

/**
 * Verifies access tokens issued by this service (signature with one of our keys under the
 * algorithm of that key, issuer, audience, type, time). Revocation is checked by the
 * caller, against the database.
 */
@Component
public final class AccessTokenVerifier {

	private static final long CLOCK_SKEW_SECONDS = 30;

	private static final Set<String> FORBIDDEN_HEADERS = Set.of("jku", "jwk", "x5u", "x5c", "crit");

	private final JwtParser parser;

	/**
	 * Also accepts a token up to the gateways' clock skew past its expiry: gateways still
	 * accept it then.
	 */
	private final JwtParser revocationParser;

	AccessTokenVerifier(SigningKeys keys, AuthProperties properties, Clock clock) {
		this.parser = parser(keys, properties, clock, CLOCK_SKEW_SECONDS);
		this.revocationParser = parser(keys, properties, clock,
				Math.max(CLOCK_SKEW_SECONDS, properties.gatewayClockSkew().toSeconds()));
	}

	private static JwtParser parser(SigningKeys keys, AuthProperties properties, Clock clock, long skewSeconds) {
		return Jwts.parser().keyLocator(new LocatorAdapter<Key>() {
			@Override
			protected Key locate(ProtectedHeader header) {
				SigningKey key = keys.find(header.getKeyId());
				if (key == null || !key.algorithm().getId().equals(header.getAlgorithm())) {
					throw new SecurityException("unknown key or algorithm");
				}
				for (String name : FORBIDDEN_HEADERS) {
					if (header.containsKey(name)) {
						throw new SecurityException("header parameter not accepted: " + name);
					}
				}
				return key.publicKey();
			}
		})
			.requireIssuer(properties.issuer())
			.requireAudience(properties.audience())
			.clock(() -> Date.from(clock.instant()))
			.clockSkewSeconds(skewSeconds)
			.build();
	}

	/**
	 * For revocation ({@code /revoke}): like {@link #verify(String)}, but a token past
	 * its expiry by no more than the gateways' clock skew still counts, since gateways
	 * still accept it.
	 * @throws InvalidAccessTokenException when the token is not an access token of ours
	 * that a gateway could accept
	 */
	public VerifiedAccessToken verifyForRevocation(String token) {
		return verify(this.revocationParser, token);
	}

	/**
	 * @throws InvalidAccessTokenException when the token is not a valid access token of
	 * ours
	 */
	public VerifiedAccessToken verify(String token) {
		return verify(this.parser, token);
	}

	/** {@code cnf.jkt}, when the token is DPoP-bound. */
	private static String jkt(Claims claims) {
		Map<?, ?> confirmation = claims.get(AccessTokenClaims.CONFIRMATION, Map.class);
		if (confirmation == null) {
			return null;
		}
		Object jkt = confirmation.get(AccessTokenClaims.JWK_THUMBPRINT);
		if (!(jkt instanceof String value) || value.isEmpty()) {
			throw new InvalidAccessTokenException("The access token has a malformed cnf claim");
		}
		return value;
	}

	private static VerifiedAccessToken verify(JwtParser parser, String token) {
		try {
			var jws = parser.parseSignedClaims(token);
			Header header = jws.getHeader();
			if (!AccessTokenClaims.TYPE.equals(header.getType())) {
				throw new InvalidAccessTokenException("The access token has the wrong type");
			}
			Claims claims = jws.getPayload();
			if (claims.getExpiration() == null || claims.getIssuedAt() == null || claims.getId() == null
					|| claims.getSubject() == null) {
				throw new InvalidAccessTokenException("The access token lacks required claims");
			}
			List<?> roles = claims.get(AccessTokenClaims.ROLES, List.class);
			return new VerifiedAccessToken(claims.getSubject(), claims.getId(),
					claims.get(AccessTokenClaims.CLIENT_ID, String.class),
					claims.get(AccessTokenClaims.SESSION, String.class),
					(roles != null) ? roles.stream().map(String::valueOf).toList() : List.of(),
					claims.getIssuedAt().toInstant(), claims.getExpiration().toInstant(), jkt(claims));
		}
		catch (ExpiredJwtException ex) {
			throw new InvalidAccessTokenException("The access token expired");
		}
		catch (JwtException | IllegalArgumentException | ClassCastException ex) {
			throw new InvalidAccessTokenException("The access token is invalid");
		}
	}

}
