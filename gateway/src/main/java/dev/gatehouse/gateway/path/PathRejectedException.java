package dev.gatehouse.gateway.path;

import java.net.URI;

import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * A request path the gateway refuses to route: 400 {@code path-rejected}.
 */
public class PathRejectedException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("path-rejected");

	public PathRejectedException(String reason) {
		super(reason, HttpStatus.BAD_REQUEST, TYPE, "Bad request");
	}

	@Override
	protected String clientDetail() {
		return "The request path is not allowed: " + getMessage() + ".";
	}

}
