package dev.gatehouse.gateway.security;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * No bearer token was presented on a route that needs one: 401 {@code unauthorized} with
 * a bare {@code Bearer} challenge, without an error attribute (RFC 6750 section 3.1).
 */
public class MissingBearerTokenException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("unauthorized");

	public MissingBearerTokenException() {
		super("bearer token required", HttpStatus.UNAUTHORIZED, TYPE, "Unauthorized");
	}

	@Override
	protected String clientDetail() {
		return "A bearer access token is required.";
	}

	@Override
	public HttpHeaders getHeaders() {
		return BearerChallenge.bare();
	}

	@Override
	public String refusalReason() {
		return "missing_token";
	}

}
