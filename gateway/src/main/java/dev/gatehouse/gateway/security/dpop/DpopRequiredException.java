package dev.gatehouse.gateway.security.dpop;

import java.net.URI;

import dev.gatehouse.gateway.problem.GatewayRefusal;

/**
 * The token and the way it was presented do not fit DPoP: a bound token sent as a bearer
 * token, a plain bearer token on a {@code sender-constrained} route, or an unbound token
 * sent with the DPoP scheme. 401 {@code dpop-required}, challenge
 * {@code DPoP error="invalid_token"} with the accepted {@code algs} (RFC 9449 section
 * 7.1); counted as {@code dpop_<reason>}.
 */
public class DpopRequiredException extends DpopRefusal {

	private static final URI TYPE = GatewayRefusal.type("dpop-required");

	/** Why. */
	public enum Reason implements DpopRefusal.Described {

		/** A sender-constrained ({@code cnf}) token sent as {@code Bearer}. */
		BOUND_TOKEN_AS_BEARER("a DPoP-bound token must be sent with the DPoP scheme and a proof"),
		/** A plain bearer token on a {@code sender-constrained: true} route. */
		SENDER_CONSTRAINED_ROUTE("this route accepts DPoP-bound tokens only"),
		/** An unbound token sent with the {@code DPoP} scheme. */
		TOKEN_NOT_BOUND("the token is not DPoP-bound (no cnf.jkt)");

		private final String description;

		Reason(String description) {
			this.description = description;
		}

		@Override
		public String description() {
			return this.description;
		}

	}

	DpopRequiredException(Reason reason, DpopChallenge challenge) {
		super(reason, challenge, TYPE, "DPoP required", "invalid_token", "The access token cannot be used this way: ");
	}

	public Reason getReason() {
		return (Reason) reason();
	}

}
