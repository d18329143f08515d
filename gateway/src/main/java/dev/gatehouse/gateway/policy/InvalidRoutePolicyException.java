package dev.gatehouse.gateway.policy;

import java.net.URI;

import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * A route's {@code metadata} does not describe a valid Gatehouse policy. At start-up it
 * stops the gateway (naming the key); for a route that was never validated (added later)
 * the request answers 500 {@code route-misconfigured}.
 */
public class InvalidRoutePolicyException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("route-misconfigured");

	private final String key;

	/**
	 * @param key the metadata key at fault (e.g. {@code roles[1]})
	 * @param message what is wrong with it
	 */
	public InvalidRoutePolicyException(String key, String message) {
		super("metadata." + key + ": " + message, HttpStatus.INTERNAL_SERVER_ERROR, TYPE, "Internal server error");
		this.key = key;
	}

	public String getKey() {
		return this.key;
	}

	@Override
	protected String clientDetail() {
		return "The route's policy is misconfigured.";
	}

}
