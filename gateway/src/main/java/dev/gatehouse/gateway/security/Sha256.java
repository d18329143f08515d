package dev.gatehouse.gateway.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 for the request path (the verified-token cache key, DPoP thumbprints and
 * {@code ath}): a digest cloned from a prototype made at start-up, which skips the
 * provider lookup {@code MessageDigest.getInstance} makes on every call.
 */
public final class Sha256 {

	private static final MessageDigest PROTOTYPE = newInstance();

	private Sha256() {
	}

	/**
	 * @param input the bytes
	 * @return their SHA-256 (32 bytes)
	 */
	public static byte[] digest(byte[] input) {
		return fresh().digest(input);
	}

	private static MessageDigest fresh() {
		try {
			return (MessageDigest) PROTOTYPE.clone();
		}
		catch (CloneNotSupportedException ex) {
			return newInstance();
		}
	}

	private static MessageDigest newInstance() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	}

}
