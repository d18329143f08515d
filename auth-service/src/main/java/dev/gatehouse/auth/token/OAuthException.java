package dev.gatehouse.auth.token;

import dev.gatehouse.auth.dpop.DpopException;
import dev.gatehouse.auth.dpop.DpopProofValidator;
import dev.gatehouse.auth.user.PasswordHasher;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** An RFC 6749 §5.2 error of the token or revocation endpoint. */
class OAuthException extends RuntimeException {

	public static final String INVALID_REQUEST = "invalid_request";

	public static final String INVALID_CLIENT = "invalid_client";

	public static final String INVALID_GRANT = "invalid_grant";

	public static final String UNAUTHORIZED_CLIENT = "unauthorized_client";

	public static final String UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type";

	public static final String INVALID_SCOPE = "invalid_scope";

	/** RFC 8628's code for "slow down", used for login throttling (429). */
	public static final String SLOW_DOWN = "slow_down";

	/** RFC 6749 §4.1.2.1's code for a server too busy to answer (503). */
	public static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";

	/** RFC 9449 §5: the DPoP proof is invalid. */
	public static final String INVALID_DPOP_PROOF = DpopException.INVALID_DPOP_PROOF;

	/**
	 * RFC 9449 §8: the DPoP proof must carry the nonce of the {@code DPoP-Nonce} header.
	 */
	public static final String USE_DPOP_NONCE = DpopException.USE_DPOP_NONCE;

	private final HttpStatus status;

	private final String error;

	private final transient HttpHeaders headers;

	public OAuthException(HttpStatus status, String error, String description, HttpHeaders headers) {
		super(description, null, false, false);
		this.status = status;
		this.error = error;
		this.headers = headers;
	}

	public static OAuthException badRequest(String error, String description) {
		return new OAuthException(HttpStatus.BAD_REQUEST, error, description, HttpHeaders.EMPTY);
	}

	public static OAuthException invalidClient(String description) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"gatehouse\"");
		return new OAuthException(HttpStatus.UNAUTHORIZED, INVALID_CLIENT, description, headers);
	}

	/**
	 * A refused DPoP proof: 400 {@code invalid_dpop_proof}, or {@code use_dpop_nonce}
	 * with the nonce in {@code DPoP-Nonce}.
	 */
	public static OAuthException dpop(DpopException ex) {
		HttpHeaders headers = new HttpHeaders();
		if (ex.nonce() != null) {
			headers.set(DpopProofValidator.NONCE_HEADER, ex.nonce());
		}
		return new OAuthException(HttpStatus.BAD_REQUEST, ex.error(), ex.getMessage(), headers);
	}

	/** Password hashing is saturated: 503 with {@code Retry-After}. */
	public static OAuthException busy(PasswordHasher.BusyException ex) {
		return new OAuthException(ex.status(), TEMPORARILY_UNAVAILABLE, ex.getMessage(), ex.getHeaders());
	}

	public HttpStatus status() {
		return this.status;
	}

	public String error() {
		return this.error;
	}

	public HttpHeaders headers() {
		return this.headers;
	}

}
