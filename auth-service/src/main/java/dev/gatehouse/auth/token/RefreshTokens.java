package dev.gatehouse.auth.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Refresh-token values: 256 random bits, base64url. The database holds only their
 * SHA-256. When a token is rotated, its successor is stored encrypted under a key derived
 * from the spent token itself (HMAC-SHA-256, a different function from the stored hash),
 * so during the reuse grace window a second presentation of the spent token can be
 * answered with the same successor, and a database reader without the token learns
 * nothing.
 */
final class RefreshTokens {

	private static final int TOKEN_BYTES = 32;

	private static final int IV_BYTES = 12;

	private static final byte[] SUCCESSOR_LABEL = "gatehouse refresh successor v1".getBytes(StandardCharsets.US_ASCII);

	private static final SecureRandom random = new SecureRandom();

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private RefreshTokens() {
	}

	static String generate() {
		byte[] bytes = new byte[TOKEN_BYTES];
		random.nextBytes(bytes);
		return ENCODER.encodeToString(bytes);
	}

	/** Plausible shape of a token we issued; anything else is not looked up. */
	static boolean isWellFormed(String token) {
		return token != null && token.length() == 43 && token.chars().allMatch(RefreshTokens::isBase64Url);
	}

	static String hash(String token) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String sealSuccessor(String spent, String successor) {
		try {
			byte[] iv = new byte[IV_BYTES];
			random.nextBytes(iv);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, successorKey(spent), new GCMParameterSpec(128, iv));
			byte[] sealed = cipher.doFinal(successor.getBytes(StandardCharsets.US_ASCII));
			return ENCODER.encodeToString(ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * @return the successor, or {@code null} when it cannot be opened with this token
	 */
	static String openSuccessor(String spent, String sealed) {
		if (sealed == null) {
			return null;
		}
		try {
			byte[] bytes = Base64.getUrlDecoder().decode(sealed);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, successorKey(spent), new GCMParameterSpec(128, bytes, 0, IV_BYTES));
			return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.US_ASCII);
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			return null;
		}
	}

	private static SecretKeySpec successorKey(String spent) throws GeneralSecurityException {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(spent.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
		return new SecretKeySpec(mac.doFinal(SUCCESSOR_LABEL), "AES");
	}

	private static boolean isBase64Url(int c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
	}

}
