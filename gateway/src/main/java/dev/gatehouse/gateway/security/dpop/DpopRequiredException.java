package dev.gatehouse.gateway.security.dpop;

import java.net.URI;
import java.util.Locale;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * The token and the way it was presented do not fit DPoP: a bound token sent as a bearer
 * token, a plain bearer token on a {@code sender-constrained} route, or an unbound token
 * sent with the DPoP scheme. 401 {@code dpop-required}, challenge
 * {@code DPoP error="invalid_token"} with the accepted {@code algs} (RFC 9449 section
 * 7.1); counted as {@code dpop_<reason>}.
 */
public class DpopRequiredException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("dpop-required");

	/** Why. */
	public enum Reason {

		/** A sender-constrained ({@code cnf}) token sent as {@code Bearer}. */
		BOUND_TOKEN_AS_BEARER("a DPoP-bound token must be sent with the DPoP scheme and a proof"),
		/** A plain bearer token on a {@code sender-constrained: true} route. */
		SENDER_CONSTRAINED_ROUTE("this route accepts DPoP-bound tokens only"),
		/** An unbound token sent with the {@code DPoP} scheme. */
		TOKEN_NOT_BOUND("the token is not DPoP-bound (no cnf.jkt)");

		private final String description;

		private final String tag;

		Reason(String description) {
			this.description = description;
			this.tag = "dpop_" + name().toLowerCase(Locale.ROOT);
		}

		public String description() {
			return this.description;
		}

	}

	private final Reason reason;

	private final DpopChallenge challenge;

	DpopRequiredException(Reason reason, DpopChallenge challenge) {
		super(reason.description(), HttpStatus.UNAUTHORIZED, TYPE, "DPoP required");
		this.reason = reason;
		this.challenge = challenge;
	}

	public Reason getReason() {
		return this.reason;
	}

	@Override
	protected String clientDetail() {
		return "The access token cannot be used this way: " + this.reason.description() + ".";
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.challenge.withError("invalid_token", this.reason.description());
	}

	@Override
	public String refusalReason() {
		return this.reason.tag;
	}

}
