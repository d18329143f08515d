package dev.gatehouse.gateway.security;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * A valid token lacks a role or scope the route requires: 403 {@code insufficient-scope},
 * challenge with {@code error="insufficient_scope"}.
 */
public class InsufficientScopeException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("insufficient-scope");

	public InsufficientScopeException(String description) {
		super(description, HttpStatus.FORBIDDEN, TYPE, "Forbidden");
	}

	@Override
	protected String clientDetail() {
		return "The access token does not grant this route: " + getMessage() + ".";
	}

	@Override
	public HttpHeaders getHeaders() {
		return BearerChallenge.withError("insufficient_scope", getMessage());
	}

	@Override
	public String refusalReason() {
		return "insufficient_scope";
	}

}
