package dev.gatehouse.auth.bearer;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.auth.dpop.DpopException;
import dev.gatehouse.auth.dpop.DpopProofValidator;
import dev.gatehouse.auth.problem.ApiException;

/**
 * A bearer token that is missing ({@code unauthorized}, bare challenge) or malformed,
 * expired, not ours or revoked ({@code invalid-token}, challenge with
 * {@code error="invalid_token"}): 401.
 */
public class InvalidAccessTokenException extends ApiException {

	static final String REALM = "Bearer realm=\"gatehouse\"";

	public InvalidAccessTokenException(String message) {
		super(HttpStatus.UNAUTHORIZED, "invalid-token", "Invalid token", message, challenge("invalid_token", message));
	}

	private InvalidAccessTokenException(String message, HttpHeaders headers) {
		super(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", message, headers);
	}

	private InvalidAccessTokenException(String type, String title, String message, HttpHeaders headers) {
		super(HttpStatus.UNAUTHORIZED, type, title, message, headers);
	}

	/**
	 * An unbound token sent as {@code DPoP} (RFC 9449 §7.1): {@code invalid-token} with a
	 * {@code DPoP} challenge.
	 */
	static InvalidAccessTokenException dpopInvalidToken(String message, String algorithms) {
		return new InvalidAccessTokenException("invalid-token", "Invalid token", message,
				dpopChallenge("invalid_token", message, algorithms, null));
	}

	/**
	 * A DPoP-bound token sent as {@code Bearer} (RFC 9449 §7.2): {@code dpop-required}
	 * (as at the gateway) with a {@code DPoP} challenge, error {@code invalid_token}.
	 */
	static InvalidAccessTokenException dpopRequired(String message, String algorithms) {
		return new InvalidAccessTokenException("dpop-required", "DPoP required", message,
				dpopChallenge("invalid_token", message, algorithms, null));
	}

	/**
	 * A refused DPoP proof with a bound token: {@code invalid-dpop-proof}, or
	 * {@code use-dpop-nonce} with the nonce in {@code DPoP-Nonce} (RFC 9449 §7.1, §9).
	 */
	static InvalidAccessTokenException dpopRefused(DpopException ex, String algorithms) {
		boolean nonce = DpopException.USE_DPOP_NONCE.equals(ex.error());
		return new InvalidAccessTokenException(nonce ? "use-dpop-nonce" : "invalid-dpop-proof",
				nonce ? "DPoP nonce required" : "Invalid DPoP proof", ex.getMessage(),
				dpopChallenge(ex.error(), ex.getMessage(), algorithms, ex.nonce()));
	}

	private static HttpHeaders dpopChallenge(String error, String description, String algorithms, String nonce) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.WWW_AUTHENTICATE,
				"DPoP error=\"" + error + "\", error_description=\"" + description + "\", algs=\"" + algorithms + "\"");
		if (nonce != null) {
			headers.set(DpopProofValidator.NONCE_HEADER, nonce);
		}
		return headers;
	}

	/** No token at all: RFC 6750 §3.1 says the challenge then carries no error code. */
	public static InvalidAccessTokenException missing() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.WWW_AUTHENTICATE, REALM);
		return new InvalidAccessTokenException("A bearer token is required", headers);
	}

	/**
	 * @param error the RFC 6750 error code
	 * @param description a constant, safe description
	 * @return headers carrying the {@code Bearer} challenge with the error
	 */
	static HttpHeaders challenge(String error, String description) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.WWW_AUTHENTICATE,
				REALM + ", error=\"" + error + "\", error_description=\"" + description + "\"");
		return headers;
	}

}
