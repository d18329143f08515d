package dev.gatehouse.auth.dpop;

/**
 * A DPoP proof refused (RFC 9449 §5 and §8): {@value #INVALID_DPOP_PROOF}, or
 * {@value #USE_DPOP_NONCE} with the nonce to use. The message says why and never contains
 * the proof.
 */
public final class DpopException extends RuntimeException {

	public static final String INVALID_DPOP_PROOF = "invalid_dpop_proof";

	public static final String USE_DPOP_NONCE = "use_dpop_nonce";

	private final String error;

	private final String nonce;

	private DpopException(String error, String description, String nonce) {
		super(description, null, false, false);
		this.error = error;
		this.nonce = nonce;
	}

	public static DpopException invalidProof(String description) {
		return new DpopException(INVALID_DPOP_PROOF, description, null);
	}

	public static DpopException useNonce(String description, String nonce) {
		return new DpopException(USE_DPOP_NONCE, description, nonce);
	}

	/**
	 * @return {@value #INVALID_DPOP_PROOF} or {@value #USE_DPOP_NONCE}
	 */
	public String error() {
		return this.error;
	}

	/**
	 * @return the nonce the client must put in its next proof, or {@code null}
	 */
	public String nonce() {
		return this.nonce;
	}

}
