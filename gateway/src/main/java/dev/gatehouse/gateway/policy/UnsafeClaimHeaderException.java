package dev.gatehouse.gateway.policy;

import dev.gatehouse.gateway.security.InsufficientScopeException;

/**
 * A claim the route sends to the backend in a header has a value that is not safe header
 * text (control characters, CR/LF, non-ASCII, over 1024 characters) or no single value:
 * 403 {@code insufficient_scope}, counted as {@code unsafe_claim_header}. The message
 * names the claim and the header, never the value.
 */
public class UnsafeClaimHeaderException extends InsufficientScopeException {

	UnsafeClaimHeaderException(ClaimHeader header) {
		super("claim '" + header.claim() + "' cannot be sent in " + header.name()
				+ " (not a single value of safe header text)");
	}

	@Override
	public String refusalReason() {
		return "unsafe_claim_header";
	}

}
