package dev.gatehouse.auth.bearer;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.auth.problem.ApiException;

/**
 * A bearer token that is missing, malformed, expired, not ours or revoked; answered 401
 * with a {@code Bearer} challenge.
 */
public class InvalidAccessTokenException extends ApiException {

	private static final String REALM = "Bearer realm=\"gatehouse\"";

	public InvalidAccessTokenException(String message) {
		this(message, false);
	}

	private InvalidAccessTokenException(String message, boolean missing) {
		super(HttpStatus.UNAUTHORIZED, "Unauthorized", message, challenge(message, missing));
	}

	/** No token at all: RFC 6750 §3.1 says the challenge then carries no error code. */
	public static InvalidAccessTokenException missing() {
		return new InvalidAccessTokenException("A bearer token is required", true);
	}

	private static HttpHeaders challenge(String message, boolean missing) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.WWW_AUTHENTICATE,
				missing ? REALM : REALM + ", error=\"invalid_token\", error_description=\"" + message + "\"");
		return headers;
	}

}
