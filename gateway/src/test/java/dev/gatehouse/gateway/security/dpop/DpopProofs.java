package dev.gatehouse.gateway.security.dpop;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;

/**
 * DPoP proofs for tests, assembled by hand so that every part can be made wrong: the key
 * pair of one client, its public JWK (written by jjwt, an independent implementation) and
 * proofs signed with it.
 */
public final class DpopProofs {

	private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

	private final String alg;

	private final KeyPair keys;

	private final String jwk;

	private DpopProofs(String alg, KeyPair keys) {
		this.alg = alg;
		this.keys = keys;
		PublicJwk<?> publicJwk = Jwks.builder().key(keys.getPublic()).build();
		this.jwk = Jwks.json(publicJwk);
	}

	/** A client with a fresh key for {@code alg} (RS256, PS256, ES256, EdDSA). */
	public static DpopProofs client(String alg) {
		try {
			KeyPairGenerator generator;
			switch (alg) {
				case "RS256", "PS256" -> {
					generator = KeyPairGenerator.getInstance("RSA");
					generator.initialize(2048);
				}
				case "ES256" -> {
					generator = KeyPairGenerator.getInstance("EC");
					generator.initialize(new ECGenParameterSpec("secp256r1"));
				}
				case "EdDSA" -> generator = KeyPairGenerator.getInstance("Ed25519");
				default -> throw new IllegalArgumentException(alg);
			}
			return new DpopProofs(alg, generator.generateKeyPair());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A client of {@code alg} with this RSA key pair (for unusual keys). */
	public static DpopProofs client(String alg, KeyPair keys) {
		return new DpopProofs(alg, keys);
	}

	public String alg() {
		return this.alg;
	}

	public PublicKey publicKey() {
		return this.keys.getPublic();
	}

	/** The public JWK as jjwt writes it. */
	public String jwk() {
		return this.jwk;
	}

	/**
	 * The RFC 7638 thumbprint, computed by jjwt: what the auth-service puts in cnf.jkt.
	 */
	public String thumbprint() {
		return Jwks.builder().key(this.keys.getPublic()).build().thumbprint().toString();
	}

	/** A valid proof for the request and token. */
	public String proof(String method, String url, String accessToken, Instant iat) {
		return sign(header(), claims(method, url, accessToken, iat, UUID.randomUUID().toString(), null));
	}

	/** The standard header: typ dpop+jwt, this alg, this jwk. */
	public String header() {
		return "{\"typ\":\"dpop+jwt\",\"alg\":\"" + this.alg + "\",\"jwk\":" + this.jwk + "}";
	}

	/** Proof claims; {@code nonce} may be {@code null}. */
	public static String claims(String method, String url, String accessToken, Instant iat, String jti, String nonce) {
		return "{\"jti\":\"" + jti + "\",\"htm\":\"" + method + "\",\"htu\":\"" + url + "\",\"iat\":"
				+ iat.getEpochSecond() + ((accessToken != null) ? ",\"ath\":\"" + ath(accessToken) + "\"" : "")
				+ ((nonce != null) ? ",\"nonce\":\"" + nonce + "\"" : "") + "}";
	}

	/** base64url(SHA-256(token)). */
	public static String ath(String accessToken) {
		try {
			return B64.encodeToString(
					MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Header and claims, signed with this client's private key by its alg. */
	public String sign(String header, String claims) {
		return sign(header, claims, this.keys.getPrivate());
	}

	/** Header and claims, signed with another private key. */
	public String sign(String header, String claims, PrivateKey key) {
		String input = b64(header) + "." + b64(claims);
		try {
			Signature signature = switch (this.alg) {
				case "RS256" -> Signature.getInstance("SHA256withRSA");
				case "PS256" -> {
					Signature pss = Signature.getInstance("RSASSA-PSS");
					pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
					yield pss;
				}
				case "ES256" -> Signature.getInstance("SHA256withECDSAinP1363Format");
				case "EdDSA" -> Signature.getInstance("Ed25519");
				default -> throw new IllegalArgumentException(this.alg);
			};
			signature.initSign(key);
			signature.update(input.getBytes(StandardCharsets.US_ASCII));
			return input + "." + B64.encodeToString(signature.sign());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String b64(String json) {
		return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	public static String b64(byte[] bytes) {
		return B64.encodeToString(bytes);
	}

	public KeyPair keys() {
		return this.keys;
	}

}
