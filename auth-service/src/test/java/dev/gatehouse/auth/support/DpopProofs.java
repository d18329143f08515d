package dev.gatehouse.auth.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import io.jsonwebtoken.security.SignatureAlgorithm;

/**
 * A DPoP client for tests: key pairs from the JDK (RSA 2048, EC P-256, Ed25519) and
 * proofs signed with jjwt, or built by hand when a test needs one jjwt would refuse to
 * make.
 */
public final class DpopProofs {

	private DpopProofs() {
	}

	public static KeyPair rsa() {
		return generate("RSA", 2048);
	}

	public static KeyPair ec() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static KeyPair ed25519() {
		return generate("Ed25519", 0);
	}

	/** An ES256 proof for {@code POST} of the URL, issued now, with a fresh jti. */
	public static String proof(KeyPair keys, String url, Instant now) {
		return proof(keys, Jwts.SIG.ES256, "POST", url, now, null);
	}

	public static String proof(KeyPair keys, SignatureAlgorithm algorithm, String method, String url, Instant iat,
			String nonce) {
		return proof(keys, algorithm, method, url, iat, nonce, null);
	}

	/** A proof that names an access token ({@code ath}), as resource requests need. */
	public static String proof(KeyPair keys, SignatureAlgorithm algorithm, String method, String url, Instant iat,
			String nonce, String accessToken) {
		JwtBuilder builder = Jwts.builder()
			.header()
			.type("dpop+jwt")
			.jwk(jwk(keys))
			.and()
			.id(UUID.randomUUID().toString())
			.issuedAt(Date.from(iat))
			.claim("htm", method)
			.claim("htu", url);
		if (nonce != null) {
			builder.claim("nonce", nonce);
		}
		if (accessToken != null) {
			builder.claim("ath", ath(accessToken));
		}
		return builder.signWith(keys.getPrivate(), algorithm).compact();
	}

	/** RFC 9449 §4.2: base64url(SHA-256(access token)). */
	public static String ath(String accessToken) {
		try {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(java.security.MessageDigest.getInstance("SHA-256")
					.digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static PublicJwk<?> jwk(KeyPair keys) {
		return Jwks.builder().key(keys.getPublic()).build();
	}

	/** The RFC 7638 thumbprint as jjwt computes it. */
	public static String thumbprint(KeyPair keys) {
		return jwk(keys).thumbprint().toString();
	}

	/**
	 * A compact JWS of the given header and claims (JSON), signed with a JCA signature
	 * algorithm ({@code SHA256withECDSAinP1363Format} for ES256), or with an empty
	 * signature when the key is {@code null}.
	 */
	public static String compact(String header, String claims, PrivateKey key, String jcaAlgorithm) {
		Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
		String input = encoder.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
				+ encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
		if (key == null) {
			return input + ".";
		}
		try {
			Signature signature = Signature.getInstance(jcaAlgorithm);
			signature.initSign(key);
			signature.update(input.getBytes(StandardCharsets.US_ASCII));
			return input + "." + encoder.encodeToString(signature.sign());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The claims of a proof for {@code POST url} issued at {@code iat}, as JSON. */
	public static String claims(String url, Instant iat) {
		return "{\"jti\":\"" + UUID.randomUUID() + "\",\"htm\":\"POST\",\"htu\":\"" + url + "\",\"iat\":"
				+ iat.getEpochSecond() + "}";
	}

	private static KeyPair generate(String algorithm, int size) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
			if (size > 0) {
				generator.initialize(size);
			}
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
