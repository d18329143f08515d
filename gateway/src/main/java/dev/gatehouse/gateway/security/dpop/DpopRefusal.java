package dev.gatehouse.gateway.security.dpop;

import java.net.URI;
import java.util.Locale;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.RefusalException;

/**
 * What the DPoP refusals with a reason share: 401, a {@code DPoP} challenge with the
 * accepted {@code algs} and the RFC 9449 error code, a detail built from the reason
 * (never proof or token content), and the metric reason {@code dpop_<reason>}.
 *
 */
abstract class DpopRefusal extends RefusalException {

	/** A reason (an enum constant) that says what went wrong, for clients and logs. */
	interface Described {

		String description();

		/** The constant's name (an enum's own {@code name()}). */
		String name();

	}

	private final Described reason;

	private final DpopChallenge challenge;

	private final String error;

	private final String detailPrefix;

	DpopRefusal(Described reason, DpopChallenge challenge, URI type, String title, String error, String detailPrefix) {
		super(reason.description(), HttpStatus.UNAUTHORIZED, type, title);
		this.reason = reason;
		this.challenge = challenge;
		this.error = error;
		this.detailPrefix = detailPrefix;
	}

	Described reason() {
		return this.reason;
	}

	@Override
	protected String clientDetail() {
		return this.detailPrefix + this.reason.description() + ".";
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.challenge.withError(this.error, this.reason.description());
	}

	@Override
	public String refusalReason() {
		return "dpop_" + this.reason.name().toLowerCase(Locale.ROOT);
	}

}
