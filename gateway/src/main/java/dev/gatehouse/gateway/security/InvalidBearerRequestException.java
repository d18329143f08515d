package dev.gatehouse.gateway.security;

/**
 * The request carries credentials in a way RFC 6750 forbids (for example several
 * {@code Authorization} headers): 400 {@code invalid_request}.
 */
public class InvalidBearerRequestException extends RuntimeException {

	public InvalidBearerRequestException(String description) {
		super(description, null, false, false);
	}

}
