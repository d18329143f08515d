package dev.gatehouse.gateway.security;

/**
 * A valid token lacks a role or scope the route requires: 403 {@code insufficient_scope}.
 */
public class InsufficientScopeException extends RuntimeException {

	public InsufficientScopeException(String description) {
		super(description, null, false, false);
	}

}
