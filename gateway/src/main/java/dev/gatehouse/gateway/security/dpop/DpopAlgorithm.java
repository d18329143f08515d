package dev.gatehouse.gateway.security.dpop;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * A DPoP proof algorithm the gateway verifies: asymmetric only ({@code none} and HMAC can
 * never be asked for), each with the key type its {@code jwk} must have.
 */
enum DpopAlgorithm {

	/** RSASSA-PKCS1-v1_5 with SHA-256, RSA keys of at least 2048 bits. */
	RS256("RS256", "RSA", "SHA256withRSA"),
	/** RSASSA-PSS with SHA-256 (MGF1 SHA-256, 32-byte salt). */
	PS256("PS256", "RSA", "RSASSA-PSS"),
	/** ECDSA on P-256 with SHA-256; the JWS signature is R || S (64 bytes). */
	ES256("ES256", "EC", "SHA256withECDSAinP1363Format"),
	/** Ed25519 (RFC 8037). */
	EDDSA("EdDSA", "OKP", "Ed25519");

	/** Every name, as a regular expression for property validation. */
	static final String NAMES = "RS256|PS256|ES256|EdDSA";

	private static final PSSParameterSpec PSS_SHA256 = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
			32, 1);

	private final String jwsName;

	private final String keyType;

	private final String jcaName;

	DpopAlgorithm(String jwsName, String keyType, String jcaName) {
		this.jwsName = jwsName;
		this.keyType = keyType;
		this.jcaName = jcaName;
	}

	/** The JWS {@code alg} value. */
	String jwsName() {
		return this.jwsName;
	}

	/** The JWK {@code kty} its key must have. */
	String keyType() {
		return this.keyType;
	}

	/**
	 * @param name a JWS {@code alg} value (compared exactly, as JWS says)
	 * @return the algorithm, or {@code null} for any other name
	 */
	static DpopAlgorithm of(String name) {
		for (DpopAlgorithm algorithm : values()) {
			if (algorithm.jwsName.equals(name)) {
				return algorithm;
			}
		}
		return null;
	}

	/**
	 * A fresh verifier (a {@link Signature} is not thread-safe).
	 */
	Signature newSignature() throws GeneralSecurityException {
		Signature signature = Signature.getInstance(this.jcaName);
		if (this == PS256) {
			signature.setParameter(PSS_SHA256);
		}
		return signature;
	}

}
