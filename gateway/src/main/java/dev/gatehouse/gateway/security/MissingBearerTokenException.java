package dev.gatehouse.gateway.security;

/**
 * No bearer token was presented on a route that needs one: 401 without an error attribute
 * (RFC 6750 section 3.1).
 */
public class MissingBearerTokenException extends RuntimeException {

	public MissingBearerTokenException() {
		super("bearer token required", null, false, false);
	}

}
