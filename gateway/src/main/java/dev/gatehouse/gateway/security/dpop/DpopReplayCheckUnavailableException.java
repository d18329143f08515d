package dev.gatehouse.gateway.security.dpop;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * The shared replay cache (Redis) cannot say whether a proof was used before: the request
 * fails closed with 503 {@code dpop-replay-check-unavailable} and {@code Retry-After: 1}
 * (a replayed proof must never pass because Redis is down); counted as
 * {@code dpop_replay_check_unavailable}.
 */
public class DpopReplayCheckUnavailableException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("dpop-replay-check-unavailable");

	DpopReplayCheckUnavailableException(Throwable cause) {
		super("DPoP replay cache unavailable: " + cause.getClass().getSimpleName(), HttpStatus.SERVICE_UNAVAILABLE,
				TYPE, "Service unavailable");
	}

	@Override
	protected String clientDetail() {
		return "The DPoP proof cannot be checked for replay right now; try again shortly with a new proof.";
	}

	@Override
	public HttpHeaders getHeaders() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "1");
		return headers;
	}

	@Override
	public String refusalReason() {
		return "dpop_replay_check_unavailable";
	}

}
