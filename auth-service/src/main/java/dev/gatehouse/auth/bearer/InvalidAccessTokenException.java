package dev.gatehouse.auth.bearer;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

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
