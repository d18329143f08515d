package dev.gatehouse.auth.revocation;

import java.time.Instant;

/**
 * One revocation as gateways learn it.
 *
 * @param kind what is revoked
 * @param issuer the {@code iss} of the tokens concerned (a username is only unique per
 * issuer)
 * @param subject the {@code jti}, the {@code sid} (family id) or the username
 * @param value for {@link Kind#USER} the "not before" instant in epoch seconds (tokens
 * with an earlier {@code iat} are revoked); otherwise the epoch second until which the
 * revocation matters
 * @param expiresAt when the revocation can be forgotten: no gateway accepts a token it
 * concerns by then (expiry plus the gateways' clock skew plus a margin)
 */
record RevocationEvent(Kind kind, String issuer, String subject, long value, Instant expiresAt) {

	public enum Kind {

		/** One access token, by {@code jti}. */
		JTI,

		/** Every access token of one login (refresh-token family), by {@code sid}. */
		SID,

		/** Every access token of one user issued before a given second. */
		USER;

		public String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
