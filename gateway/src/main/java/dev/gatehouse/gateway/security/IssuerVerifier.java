package dev.gatehouse.gateway.security;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.Key;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import io.jsonwebtoken.security.SecurityException;
import io.jsonwebtoken.security.VerifySecureDigestRequest;

import dev.gatehouse.gateway.security.TokenRejectedException.Reason;

/**
 * Everything needed to verify tokens of one issuer: its settings, key source and the jjwt
 * signature algorithms it allows.
 * <p>
 * A token is decoded once, by {@link UnverifiedJwt} (strict: duplicate members refused,
 * numbers kept exact), and only its signature goes to jjwt: the issuer's
 * {@link SecureDigestAlgorithm} checks it over the signing input with the key from the
 * in-memory snapshot, validating the key for the algorithm as jjwt's parser would. jjwt's
 * parser is not used: it would decode header and claims a second time (with Jackson 2)
 * and re-check {@code iss}, {@code exp} and {@code nbf}, which {@link JwtTokenVerifier}
 * has already checked on the same claims.
 */
final class IssuerVerifier {

	static {
		// jjwt seeds its SecureRandom (a blocking read of /dev/urandom) in a class
		// initialiser the first time an algorithm needs it, an HMAC verification
		// included.
		// Done here, when the issuers are set up at start-up, never on the event loop
		// verifying the first token: a class whose initialiser fails there stays unusable
		// for the life of the JVM.
		Jwts.SIG.HS256.key().build();
	}

	private final String issuer;

	private final Set<String> audiences;

	private final Set<String> algorithms;

	private final String requiredType;

	private final IssuerKeySource keys;

	/** The allowed {@code alg} values and jjwt's implementation of each. */
	private final Map<String, SecureDigestAlgorithm<?, ?>> signatureAlgorithms;

	IssuerVerifier(String issuer, List<String> audiences, List<String> algorithms, String requiredType,
			IssuerKeySource keys) {
		this.issuer = issuer;
		this.audiences = Set.copyOf(audiences);
		this.algorithms = Set.copyOf(algorithms);
		this.requiredType = (requiredType == null || requiredType.isBlank()) ? null : normalizeType(requiredType);
		this.keys = keys;
		Map<String, SecureDigestAlgorithm<?, ?>> byId = new HashMap<>();
		for (String alg : algorithms) {
			byId.put(alg, Jwts.SIG.get().forKey(alg));
		}
		this.signatureAlgorithms = Map.copyOf(byId);
	}

	String issuer() {
		return this.issuer;
	}

	IssuerKeySource keys() {
		return this.keys;
	}

	Set<String> audiences() {
		return this.audiences;
	}

	void checkAlgorithm(String alg) {
		if (alg == null || !this.algorithms.contains(alg)) {
			throw new TokenRejectedException(Reason.ALGORITHM_NOT_ALLOWED);
		}
	}

	void checkType(String typ) {
		if (this.requiredType != null && (typ == null || !this.requiredType.equals(normalizeType(typ)))) {
			throw new TokenRejectedException(Reason.INVALID_TYPE);
		}
	}

	/**
	 * Verify the token's signature with the key its header names, from the in-memory
	 * snapshot only. The header was checked before ({@code alg} allowed for this issuer,
	 * no header that could choose the key), and so were the claims.
	 * @param jwt the decoded token
	 * @param kid its {@code kid}, or {@code null}
	 * @param alg its {@code alg}
	 */
	@SuppressWarnings("unchecked")
	void verifySignature(UnverifiedJwt jwt, String kid, String alg) {
		SecureDigestAlgorithm<?, Key> algorithm = (SecureDigestAlgorithm<?, Key>) this.signatureAlgorithms.get(alg);
		if (algorithm == null) {
			throw new TokenRejectedException(Reason.ALGORITHM_NOT_ALLOWED);
		}
		Key key = this.keys.find(kid, alg);
		if (key == null) {
			throw new TokenRejectedException(Reason.UNKNOWN_KEY);
		}
		boolean valid;
		try {
			valid = algorithm
				.verify(new SignatureCheck(new ByteArrayInputStream(jwt.signingInput()), key, jwt.signature()));
		}
		catch (SecurityException ex) {
			// e.g. a key that does not fit the algorithm, or a malformed signature: the
			// token cannot be verified
			throw new TokenRejectedException(Reason.BAD_SIGNATURE);
		}
		catch (JwtException ex) {
			// any other jjwt refusal; jjwt's message is never passed on
			throw new TokenRejectedException(Reason.MALFORMED);
		}
		if (!valid) {
			throw new TokenRejectedException(Reason.BAD_SIGNATURE);
		}
	}

	/**
	 * RFC 8725 section 3.11: compare case-insensitively, {@code application/} optional.
	 */
	private static String normalizeType(String typ) {
		String lower = typ.toLowerCase(Locale.ROOT);
		return lower.startsWith("application/") ? lower.substring("application/".length()) : lower;
	}

	/**
	 * What jjwt's signature algorithm checks: the signing input, the key and the
	 * signature. Default JCA provider, no randomness (verification needs none).
	 */
	private record SignatureCheck(InputStream payload, Key key,
			byte[] signature) implements VerifySecureDigestRequest<Key> {

		@Override
		public InputStream getPayload() {
			return this.payload;
		}

		@Override
		public Key getKey() {
			return this.key;
		}

		@Override
		public byte[] getDigest() {
			return this.signature;
		}

		@Override
		public Provider getProvider() {
			return null;
		}

		@Override
		public SecureRandom getSecureRandom() {
			return null;
		}

	}

}
