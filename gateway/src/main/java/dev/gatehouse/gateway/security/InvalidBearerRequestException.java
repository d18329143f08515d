package dev.gatehouse.gateway.security;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * The request carries credentials in a way RFC 6750 forbids (for example several
 * {@code Authorization} headers): 400 {@code invalid-request}, challenge with
 * {@code error="invalid_request"}.
 */
public class InvalidBearerRequestException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("invalid-request");

	public InvalidBearerRequestException(String description) {
		super(description, HttpStatus.BAD_REQUEST, TYPE, "Invalid request");
	}

	@Override
	protected String clientDetail() {
		return "The request is malformed: " + getMessage() + ".";
	}

	@Override
	public HttpHeaders getHeaders() {
		return BearerChallenge.withError("invalid_request", getMessage());
	}

	@Override
	public String refusalReason() {
		return "invalid_request";
	}

}
