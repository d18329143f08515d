package dev.gatehouse.auth.keys;

import java.security.PrivateKey;
import java.security.PublicKey;

import io.jsonwebtoken.security.PublicJwk;
import io.jsonwebtoken.security.SignatureAlgorithm;

/**
 * One key of the service: its {@code kid} (RFC 7638 thumbprint), algorithm, public half
 * and, for the active key only, the private half.
 */
public record SigningKey(String kid, SignatureAlgorithm algorithm, PublicKey publicKey, PrivateKey privateKey,
		PublicJwk<?> jwk) {

	public boolean canSign() {
		return this.privateKey != null;
	}

	@Override
	public String toString() {
		return "SigningKey[kid=" + this.kid + ", alg=" + this.algorithm.getId() + ", active=" + canSign() + "]";
	}

}
