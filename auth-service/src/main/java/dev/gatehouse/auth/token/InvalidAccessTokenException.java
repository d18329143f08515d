package dev.gatehouse.auth.token;

/**
 * A bearer token that is missing, malformed, expired, not ours or revoked; answered 401.
 */
public class InvalidAccessTokenException extends RuntimeException {

	private final boolean missing;

	public InvalidAccessTokenException(String message) {
		this(message, false);
	}

	private InvalidAccessTokenException(String message, boolean missing) {
		super(message, null, false, false);
		this.missing = missing;
	}

	/** No token at all: RFC 6750 §3.1 says the challenge then carries no error code. */
	public static InvalidAccessTokenException missing() {
		return new InvalidAccessTokenException("A bearer token is required", true);
	}

	public boolean isMissing() {
		return this.missing;
	}

}
