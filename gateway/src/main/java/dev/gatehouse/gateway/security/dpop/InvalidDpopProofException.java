package dev.gatehouse.gateway.security.dpop;

import java.net.URI;

import dev.gatehouse.gateway.problem.GatewayRefusal;

/**
 * The {@code DPoP} proof of a request is not acceptable (RFC 9449 section 4.3): 401
 * {@code invalid-dpop-proof}, challenge {@code DPoP error="invalid_dpop_proof"} with the
 * accepted {@code algs}; counted as {@code dpop_<reason>}. The description never holds
 * proof or token content.
 */
public class InvalidDpopProofException extends DpopRefusal {

	private static final URI TYPE = GatewayRefusal.type("invalid-dpop-proof");

	/** Why a proof was refused. */
	public enum Reason implements DpopRefusal.Described {

		/** No {@code DPoP} header with a DPoP-scheme token. */
		MISSING("DPoP proof missing"),
		/** More than one {@code DPoP} header. */
		MULTIPLE("more than one DPoP header"),
		/** Not a compact JWS of JSON objects, or a required member is missing. */
		MALFORMED("malformed DPoP proof"),
		/** {@code typ} is not {@code dpop+jwt}. */
		TYPE("DPoP proof typ must be dpop+jwt"),
		/** {@code alg} not accepted ({@code none}, HMAC, or not configured). */
		ALGORITHM("DPoP proof algorithm not accepted"),
		/** {@code jwk} missing, private, of the wrong type, or not a usable key. */
		KEY("DPoP proof jwk not acceptable"),
		/** The signature does not verify with the {@code jwk}. */
		SIGNATURE("DPoP proof signature invalid"),
		/** {@code htm} is not the request method. */
		METHOD("DPoP proof htm does not match the request method"),
		/** {@code htu} is not the request URL. */
		URL("DPoP proof htu does not match the request URL"),
		/** {@code iat} older than the maximum age. */
		STALE("DPoP proof too old (iat)"),
		/** {@code iat} in the future beyond the clock skew. */
		FUTURE("DPoP proof issued in the future (iat)"),
		/** {@code jti} missing or too long. */
		JTI("DPoP proof jti missing or too long"),
		/** {@code ath} missing or not the hash of the access token. */
		ATH("DPoP proof ath does not match the access token"),
		/** The proof's key is not the one the token is bound to ({@code cnf.jkt}). */
		KEY_MISMATCH("DPoP proof key does not match the token binding (cnf.jkt)"),
		/** The proof's {@code jti} was seen before within its window. */
		REPLAYED("DPoP proof replayed");

		private final String description;

		Reason(String description) {
			this.description = description;
		}

		@Override
		public String description() {
			return this.description;
		}

	}

	InvalidDpopProofException(Reason reason, DpopChallenge challenge) {
		super(reason, challenge, TYPE, "Invalid DPoP proof", "invalid_dpop_proof",
				"The DPoP proof is not acceptable: ");
	}

	public Reason getReason() {
		return (Reason) reason();
	}

}
