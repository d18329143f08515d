package dev.gatehouse.gateway.security.dpop;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.gatehouse.gateway.problem.GatewayRefusal;
import dev.gatehouse.gateway.problem.RefusalException;

/**
 * Nonces are on and the proof carries no current one (RFC 9449 section 9): 401
 * {@code use-dpop-nonce}, challenge {@code DPoP error="use_dpop_nonce"} and a fresh
 * {@code DPoP-Nonce} to retry with; counted as {@code dpop_use_nonce}.
 */
public class UseDpopNonceException extends RefusalException {

	private static final URI TYPE = GatewayRefusal.type("use-dpop-nonce");

	private final DpopChallenge challenge;

	private final String nonce;

	UseDpopNonceException(DpopChallenge challenge, String nonce) {
		super("DPoP nonce required", HttpStatus.UNAUTHORIZED, TYPE, "DPoP nonce required");
		this.challenge = challenge;
		this.nonce = nonce;
	}

	@Override
	protected String clientDetail() {
		return "The DPoP proof must carry the nonce of the DPoP-Nonce header; retry with it.";
	}

	@Override
	public HttpHeaders getHeaders() {
		HttpHeaders headers = this.challenge.withError("use_dpop_nonce", "DPoP proof must carry a current nonce");
		headers.set(DpopChallenge.NONCE_HEADER, this.nonce);
		return headers;
	}

	@Override
	public String refusalReason() {
		return "dpop_use_nonce";
	}

}
