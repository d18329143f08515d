package dev.gatehouse.gateway.support;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;

/**
 * Keys and tokens for tests: well-formed tokens built with jjwt, hostile ones assembled
 * by hand.
 */
public final class TestTokens {

	public static final String ISSUER = "http://issuer.test";

	public static final String AUDIENCE = "gatehouse";

	private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

	private TestTokens() {
	}

	public static KeyPair rsa() {
		return generate("RSA", 2048);
	}

	public static KeyPair ec() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyPair generate(String algorithm, int size) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
			generator.initialize(size);
			return generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** RFC 7638 thumbprint of an RSA public key, as the auth-service uses for kid. */
	public static String thumbprint(RSAPublicKey key) {
		PublicJwk<?> jwk = Jwks.builder().key(key).build();
		return jwk.thumbprint().toString();
	}

	/** A JWKS document with the given RSA public keys, kid = thumbprint, alg RS256. */
	public static String jwks(RSAPublicKey... keys) {
		StringBuilder json = new StringBuilder("{\"keys\":[");
		for (int i = 0; i < keys.length; i++) {
			PublicJwk<?> jwk = Jwks.builder()
				.key(keys[i])
				.idFromThumbprint()
				.algorithm("RS256")
				.publicKeyUse("sig")
				.build();
			json.append(i > 0 ? "," : "").append(Jwks.json(jwk));
		}
		return json.append("]}").toString();
	}

	/** A builder with every claim our auth-service sets, valid at {@code now}. */
	public static JwtBuilder accessToken(KeyPair keys, Instant now) {
		return Jwts.builder()
			.header()
			.keyId(thumbprint((RSAPublicKey) keys.getPublic()))
			.type("at+jwt")
			.and()
			.issuer(ISSUER)
			.subject("alice")
			.audience()
			.add(AUDIENCE)
			.and()
			.issuedAt(Date.from(now))
			.notBefore(Date.from(now))
			.expiration(Date.from(now.plus(Duration.ofMinutes(15))))
			.id(UUID.randomUUID().toString())
			.claim("client_id", "gatehouse-web")
			.claim("scope", "items:read items:write")
			.claim("roles", List.of("user", "admin"))
			.claim("sid", "family-1")
			.signWith(keys.getPrivate(), Jwts.SIG.RS256);
	}

	/** Assemble a token from raw JSON parts and a signature segment. */
	public static String raw(String headerJson, String payloadJson, String signature) {
		return b64(headerJson) + "." + b64(payloadJson) + "." + signature;
	}

	public static String b64(String json) {
		return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	public static String b64(byte[] bytes) {
		return B64.encodeToString(bytes);
	}

	/** HMAC-SHA256 of the signing input with the given key bytes. */
	public static String hs256(String signingInput, byte[] key) {
		try {
			javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
			mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
			return b64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** RS256 signature of the signing input. */
	public static String rs256(String signingInput, java.security.PrivateKey key) {
		try {
			java.security.Signature signature = java.security.Signature.getInstance("SHA256withRSA");
			signature.initSign(key);
			signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return b64(signature.sign());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A token from raw header and claims JSON, correctly RS256-signed with {@code key}.
	 */
	public static String signedRaw(String headerJson, String payloadJson, java.security.PrivateKey key) {
		String input = b64(headerJson) + "." + b64(payloadJson);
		return input + "." + rs256(input, key);
	}

	/** Claims JSON of a valid token at {@code now}, with extra members merged in. */
	public static String claims(Instant now, Map<String, String> overrides) {
		Map<String, String> members = new java.util.LinkedHashMap<>();
		members.put("iss", "\"" + ISSUER + "\"");
		members.put("sub", "\"alice\"");
		members.put("aud", "\"" + AUDIENCE + "\"");
		members.put("iat", Long.toString(now.getEpochSecond()));
		members.put("exp", Long.toString(now.plusSeconds(900).getEpochSecond()));
		members.put("roles", "[\"user\"]");
		members.put("scope", "\"items:read\"");
		members.putAll(overrides);
		StringBuilder json = new StringBuilder("{");
		members.forEach((k, v) -> {
			if (v != null) {
				json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v);
			}
		});
		return json.append('}').toString();
	}

	public static String sha256(String text) {
		try {
			return b64(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
