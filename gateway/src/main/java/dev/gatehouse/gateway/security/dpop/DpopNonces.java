package dev.gatehouse.gateway.security.dpop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless server nonces (RFC 9449 section 8): {@code base64url(bucket ||
 * HMAC-SHA256(secret, bucket))} where {@code bucket} is the current time divided by the
 * lifetime, as 8 bytes. A nonce of the current or the previous bucket is accepted, so
 * instances sharing the secret agree without storage. The secret is never logged.
 */
final class DpopNonces {

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private static final int LENGTH = 8 + 32;

	private final Mac prototype;

	private final Clock clock;

	private final long lifetimeSeconds;

	/**
	 * @param secret the configured secret, or {@code null}/empty for a random one (made
	 * here, at start-up: seeding a SecureRandom never happens on an event loop)
	 * @param lifetime how long a nonce is current
	 * @param clock the clock
	 */
	DpopNonces(String secret, Duration lifetime, Clock clock) {
		byte[] key;
		if (secret == null || secret.isEmpty()) {
			key = new byte[32];
			new SecureRandom().nextBytes(key);
		}
		else {
			key = secret.getBytes(StandardCharsets.UTF_8);
		}
		try {
			this.prototype = Mac.getInstance("HmacSHA256");
			this.prototype.init(new SecretKeySpec(key, "HmacSHA256"));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is required of every JVM", ex);
		}
		this.clock = clock;
		this.lifetimeSeconds = lifetime.toSeconds();
	}

	/** The nonce a client should use now. */
	String current() {
		return nonce(bucket());
	}

	/**
	 * @param nonce a proof's {@code nonce} (may be {@code null})
	 * @return whether it is the current or the previous bucket's nonce
	 */
	boolean isValid(String nonce) {
		if (nonce == null || nonce.length() != 54) {
			return false;
		}
		byte[] bytes;
		try {
			bytes = DECODER.decode(nonce);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		if (bytes.length != LENGTH) {
			return false;
		}
		long bucket = ByteBuffer.wrap(bytes, 0, 8).getLong();
		long now = bucket();
		if (bucket != now && bucket != now - 1) {
			return false;
		}
		byte[] expected = mac(bucket);
		return MessageDigest.isEqual(expected, java.util.Arrays.copyOfRange(bytes, 8, LENGTH));
	}

	private long bucket() {
		return this.clock.instant().getEpochSecond() / this.lifetimeSeconds;
	}

	private String nonce(long bucket) {
		ByteBuffer out = ByteBuffer.allocate(LENGTH);
		out.putLong(bucket).put(mac(bucket));
		return ENCODER.encodeToString(out.array());
	}

	private byte[] mac(long bucket) {
		try {
			Mac mac = (Mac) this.prototype.clone();
			return mac.doFinal(ByteBuffer.allocate(8).putLong(bucket).array());
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("HmacSHA256 must be cloneable", ex);
		}
	}

	@Override
	public String toString() {
		return "DpopNonces[lifetime=" + this.lifetimeSeconds + "s]";
	}

}
