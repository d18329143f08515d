package dev.gatehouse.auth.dpop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server nonces (RFC 9449 §8), stateless so that every instance with the same secret
 * accepts every other's: {@code base64url(bucket || HMAC-SHA-256(secret, bucket))}, where
 * the bucket is the current time divided by the nonce lifetime. A nonce is accepted while
 * its bucket is the current or the previous one, so it lives between one and two
 * lifetimes.
 */
public final class DpopNonces {

	private static final String HMAC = "HmacSHA256";

	private static final int BUCKET_BYTES = Long.BYTES;

	private static final int MAC_BYTES = 32;

	private final SecretKeySpec secret;

	private final long lifetimeMillis;

	private final Clock clock;

	/**
	 * @param settings the nonce settings; without a secret a random one is made (this
	 * process's nonces are then valid on this process only)
	 * @param clock the clock
	 */
	public DpopNonces(DpopProperties.Nonce settings, Clock clock) {
		byte[] key;
		if (settings.secret() != null) {
			key = settings.secret().getBytes(StandardCharsets.UTF_8);
		}
		else {
			key = new byte[32];
			new SecureRandom().nextBytes(key);
		}
		this.secret = new SecretKeySpec(key, HMAC);
		this.lifetimeMillis = settings.lifetime().toMillis();
		this.clock = clock;
	}

	/**
	 * @return the nonce clients must use now
	 */
	public String current() {
		long bucket = bucket();
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(ByteBuffer.allocate(BUCKET_BYTES + MAC_BYTES).putLong(bucket).put(mac(bucket)).array());
	}

	/**
	 * @param nonce a proof's {@code nonce} claim
	 * @return whether this service issued it and it is not stale
	 */
	public boolean isValid(String nonce) {
		if (nonce == null || nonce.length() > 64) {
			return false;
		}
		byte[] bytes;
		try {
			bytes = Base64.getUrlDecoder().decode(nonce);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		if (bytes.length != BUCKET_BYTES + MAC_BYTES) {
			return false;
		}
		long bucket = ByteBuffer.wrap(bytes).getLong();
		long now = bucket();
		if (bucket != now && bucket != now - 1) {
			return false;
		}
		return MessageDigest.isEqual(mac(bucket), Arrays.copyOfRange(bytes, BUCKET_BYTES, bytes.length));
	}

	private long bucket() {
		return Math.floorDiv(this.clock.millis(), this.lifetimeMillis);
	}

	private byte[] mac(long bucket) {
		try {
			Mac mac = Mac.getInstance(HMAC);
			mac.init(this.secret);
			return mac.doFinal(ByteBuffer.allocate(BUCKET_BYTES).putLong(bucket).array());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
