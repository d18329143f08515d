package dev.gatehouse.gateway.security.dpop;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Set;

import tools.jackson.databind.JsonNode;

import dev.gatehouse.gateway.security.Sha256;

/**
 * The public key of a DPoP proof's {@code jwk} header and its RFC 7638 SHA-256
 * thumbprint. Only public keys of the algorithm's type: a {@code jwk} with any private
 * member is refused, and so are RSA keys below 2048 bits and curves other than P-256 and
 * Ed25519. Member values must be canonical base64url (no leading zero octets for RSA,
 * fixed lengths for EC and OKP), so the thumbprint over the values as sent equals the one
 * the auth-service computed from the key.
 *
 * @param key the public key
 * @param thumbprint the SHA-256 thumbprint (32 bytes)
 */
record ProofKey(PublicKey key, byte[] thumbprint) {

	/** Members of private (or symmetric) JWKs: never accepted in a proof. */
	private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

	private static final int MIN_RSA_BITS = 2048;

	private static final int MAX_RSA_BITS = 8192;

	private static final ECParameterSpec P256 = p256();

	private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

	/**
	 * @param jwk the {@code jwk} header value
	 * @param algorithm the proof's algorithm, which fixes the key type
	 * @return the key and its thumbprint
	 * @throws IllegalArgumentException when the JWK is not an acceptable public key
	 */
	static ProofKey read(JsonNode jwk, DpopAlgorithm algorithm) {
		if (jwk == null || !jwk.isObject()) {
			throw new IllegalArgumentException("jwk must be an object");
		}
		for (String name : jwk.propertyNames()) {
			if (PRIVATE_MEMBERS.contains(name)) {
				throw new IllegalArgumentException("jwk holds private key material");
			}
		}
		if (!algorithm.keyType().equals(text(jwk, "kty"))) {
			throw new IllegalArgumentException("jwk kty does not fit alg");
		}
		try {
			return switch (algorithm) {
				case RS256, PS256 -> rsa(jwk);
				case ES256 -> ec(jwk);
				case EDDSA -> okp(jwk);
			};
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalArgumentException("jwk is not a usable key");
		}
	}

	private static ProofKey rsa(JsonNode jwk) throws GeneralSecurityException {
		String n = text(jwk, "n");
		String e = text(jwk, "e");
		byte[] modulus = decode(n);
		byte[] exponent = decode(e);
		if (modulus.length == 0 || modulus[0] == 0 || exponent.length == 0 || exponent[0] == 0 || exponent.length > 8) {
			throw new IllegalArgumentException("jwk n/e not canonical");
		}
		BigInteger modulusValue = new BigInteger(1, modulus);
		BigInteger exponentValue = new BigInteger(1, exponent);
		int bits = modulusValue.bitLength();
		if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS || !exponentValue.testBit(0)
				|| exponentValue.compareTo(BigInteger.valueOf(3)) < 0) {
			throw new IllegalArgumentException("jwk RSA key size or exponent not acceptable");
		}
		PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulusValue, exponentValue));
		return new ProofKey(key, thumbprint("{\"e\":\"" + e + "\",\"kty\":\"RSA\",\"n\":\"" + n + "\"}"));
	}

	private static ProofKey ec(JsonNode jwk) throws GeneralSecurityException {
		if (!"P-256".equals(text(jwk, "crv"))) {
			throw new IllegalArgumentException("jwk crv must be P-256");
		}
		String x = text(jwk, "x");
		String y = text(jwk, "y");
		byte[] xBytes = decode(x);
		byte[] yBytes = decode(y);
		if (xBytes.length != 32 || yBytes.length != 32) {
			throw new IllegalArgumentException("jwk x/y must be 32 bytes");
		}
		ECPoint point = new ECPoint(new BigInteger(1, xBytes), new BigInteger(1, yBytes));
		PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, P256));
		return new ProofKey(key,
				thumbprint("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}"));
	}

	private static ProofKey okp(JsonNode jwk) throws GeneralSecurityException {
		if (!"Ed25519".equals(text(jwk, "crv"))) {
			throw new IllegalArgumentException("jwk crv must be Ed25519");
		}
		String x = text(jwk, "x");
		byte[] encoded = decode(x);
		if (encoded.length != 32) {
			throw new IllegalArgumentException("jwk x must be 32 bytes");
		}
		// RFC 8032: little-endian y, the x parity in the top bit of the last byte
		boolean xOdd = (encoded[31] & 0x80) != 0;
		byte[] bigEndian = new byte[32];
		for (int i = 0; i < 32; i++) {
			bigEndian[i] = encoded[31 - i];
		}
		bigEndian[0] &= 0x7f;
		EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, bigEndian));
		PublicKey key = KeyFactory.getInstance("Ed25519")
			.generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
		return new ProofKey(key, thumbprint("{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + x + "\"}"));
	}

	/** A required string member made of base64url characters only. */
	private static String text(JsonNode jwk, String name) {
		JsonNode value = jwk.get(name);
		if (value == null || !value.isString() || value.stringValue().isEmpty()) {
			throw new IllegalArgumentException("jwk " + name + " missing");
		}
		return value.stringValue();
	}

	private static byte[] decode(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
				throw new IllegalArgumentException("not base64url");
			}
		}
		return BASE64URL.decode(value);
	}

	/** RFC 7638: SHA-256 of the required members, sorted, without white space. */
	private static byte[] thumbprint(String canonicalJson) {
		return Sha256.digest(canonicalJson.getBytes(StandardCharsets.US_ASCII));
	}

	/** SHA-256 of text, UTF-8 (ASCII for the access token of {@code ath}). */
	static byte[] sha256(String text) {
		return Sha256.digest(text.getBytes(StandardCharsets.UTF_8));
	}

	private static ECParameterSpec p256() {
		try {
			AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
			parameters.init(new ECGenParameterSpec("secp256r1"));
			return parameters.getParameterSpec(ECParameterSpec.class);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("P-256 is required of every JVM", ex);
		}
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ProofKey that && this.key.equals(that.key)
				&& MessageDigest.isEqual(this.thumbprint, that.thumbprint);
	}

	@Override
	public int hashCode() {
		return this.key.hashCode();
	}

	@Override
	public String toString() {
		return "ProofKey[" + this.key.getAlgorithm() + "]";
	}

}
