package dev.gatehouse.gateway.security;

import java.net.URI;
import java.util.Locale;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * A presented bearer token is not acceptable: 401 {@code invalid-token}, challenge with
 * {@code error="invalid_token"} and the description; counted by its {@link Reason}.
 * {@link Reason#description()} is safe to show to the client (it never contains token
 * content or library messages).
 */
public class TokenRejectedException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("invalid-token");

	/** Why a token was refused. */
	public enum Reason {

		/** Not a compact JWS or not decodable. */
		MALFORMED("malformed token"),
		/** {@code alg} not on the issuer's allow-list (never {@code none}). */
		ALGORITHM_NOT_ALLOWED("signing algorithm not allowed"),
		/**
		 * A header such as {@code jwk}, {@code jku}, {@code x5u}, {@code x5c} or
		 * {@code crit}.
		 */
		HEADER_NOT_ALLOWED("token header parameter not allowed"),
		/** {@code iss} does not name a configured issuer. */
		UNKNOWN_ISSUER("unknown issuer"),
		/** No key for {@code kid}, even after a JWKS refresh. */
		UNKNOWN_KEY("unknown signing key"),
		/** Signature does not verify. */
		BAD_SIGNATURE("invalid signature"),
		/** {@code exp} passed, beyond the clock skew. */
		EXPIRED("token expired"),
		/** {@code nbf} in the future, beyond the clock skew. */
		NOT_YET_VALID("token not valid yet (nbf)"),
		/** {@code iat} in the future, beyond the clock skew. */
		ISSUED_IN_FUTURE("token issued in the future (iat)"),
		/** {@code exp - iat} (or {@code exp - now}) beyond the maximum lifetime. */
		LIFETIME_TOO_LONG("token lifetime too long"),
		/** {@code aud} does not name an accepted audience. */
		INVALID_AUDIENCE("invalid audience"),
		/** {@code typ} header is not the one the issuer requires. */
		INVALID_TYPE("invalid token type (typ)"),
		/** A required claim is missing or has the wrong type. */
		INVALID_CLAIM("invalid or missing claim"),
		/**
		 * A configured issuer, but not one of those the route's {@code issuers} lists.
		 */
		ISSUER_NOT_ACCEPTED("issuer not accepted on this route"),
		/** Revoked by the issuer. */
		REVOKED("token revoked");

		private final String description;

		private final String tag;

		Reason(String description) {
			this.description = description;
			this.tag = name().toLowerCase(Locale.ROOT);
		}

		public String description() {
			return this.description;
		}

	}

	private final Reason reason;

	private final String detail;

	public TokenRejectedException(Reason reason) {
		this(reason, null);
	}

	/**
	 * @param reason the reason
	 * @param detail safe additional text (a claim name, never a value from the token)
	 */
	public TokenRejectedException(Reason reason, String detail) {
		super(reason.description() + ((detail != null) ? ": " + detail : ""), HttpStatus.UNAUTHORIZED, TYPE,
				"Invalid token");
		this.reason = reason;
		this.detail = detail;
	}

	public Reason getReason() {
		return this.reason;
	}

	/**
	 * @return text for {@code error_description}: reason plus safe detail
	 */
	public String getDescription() {
		return getMessage();
	}

	public String getDetail() {
		return this.detail;
	}

	@Override
	protected String clientDetail() {
		return "The access token is not acceptable: " + getDescription() + ".";
	}

	@Override
	public HttpHeaders getHeaders() {
		return BearerChallenge.withError("invalid_token", getDescription());
	}

	/**
	 * @return the reason in lower case, e.g. {@code expired}
	 */
	@Override
	public String refusalReason() {
		return this.reason.tag;
	}

}
