package dev.gatehouse.gateway.forwarding;

/**
 * Exchange attributes by which the policy filter tells {@link IdentityHeadersFilter} what
 * to forward.
 */
public final class ForwardingAttributes {

	/** The {@code VerifiedToken} of an authenticated request. */
	public static final String IDENTITY = ForwardingAttributes.class.getName() + ".identity";

	/** {@code Boolean.TRUE} when the route says {@code forward-token: true}. */
	public static final String FORWARD_TOKEN = ForwardingAttributes.class.getName() + ".forwardToken";

	/**
	 * The route's claim headers for this request: a {@code String[]} of header names and
	 * values, alternating; a {@code null} value means the token lacks the claim (the
	 * client's copies are still removed).
	 */
	public static final String CLAIM_HEADERS = ForwardingAttributes.class.getName() + ".claimHeaders";

	private ForwardingAttributes() {
	}

}
