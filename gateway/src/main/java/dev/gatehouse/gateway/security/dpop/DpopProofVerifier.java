package dev.gatehouse.gateway.security.dpop;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.gatehouse.gateway.security.dpop.InvalidDpopProofException.Reason;

/**
 * Verifies one DPoP proof (RFC 9449 section 4.3) for one request, synchronously and
 * without I/O; the {@code jti} replay check is the caller's ({@link DpopReplayCache}).
 * The cheap checks come first ({@code typ}, {@code alg}, {@code htm}, {@code htu},
 * {@code iat}, {@code ath}, {@code nonce}), the signature by the {@code jwk} last, so a
 * proof that cannot be right costs no public-key operation.
 */
final class DpopProofVerifier {

	/** Longest proof read; an RSA-8192 {@code jwk} stays well below. */
	static final int MAX_PROOF_LENGTH = 8192;

	static final int MAX_JTI_LENGTH = 256;

	private static final String TYPE = "dpop+jwt";

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

	private final Map<String, DpopAlgorithm> algorithms;

	private final Clock clock;

	private final long maxAgeSeconds;

	private final long skewSeconds;

	private final DpopNonces nonces;

	private final DpopChallenge challenge;

	/**
	 * @param algorithms the accepted {@code alg} values
	 * @param maxAge how old {@code iat} may be
	 * @param clockSkew how far into the future {@code iat} may be
	 * @param clock the clock
	 * @param nonces nonces to require, or {@code null}
	 * @param challenge the challenge of refusals
	 */
	DpopProofVerifier(List<String> algorithms, Duration maxAge, Duration clockSkew, Clock clock, DpopNonces nonces,
			DpopChallenge challenge) {
		Map<String, DpopAlgorithm> accepted = new HashMap<>();
		for (String name : algorithms) {
			DpopAlgorithm algorithm = DpopAlgorithm.of(name);
			if (algorithm == null) {
				throw new IllegalArgumentException("not a DPoP algorithm: " + name);
			}
			accepted.put(name, algorithm);
		}
		this.algorithms = Map.copyOf(accepted);
		this.clock = clock;
		this.maxAgeSeconds = maxAge.toSeconds();
		this.skewSeconds = clockSkew.toSeconds();
		this.nonces = nonces;
		this.challenge = challenge;
	}

	/**
	 * @param proof the {@code DPoP} header value
	 * @param method the request method
	 * @param url the request URL as the client addressed it, normalised by
	 * {@link HttpTargetUri#normalize}
	 * @param accessToken the access token the proof must be bound to ({@code ath})
	 * @return the verified proof
	 * @throws InvalidDpopProofException when it is not acceptable
	 * @throws UseDpopNonceException when nonces are on and it carries no current one
	 */
	VerifiedProof verify(String proof, String method, String url, String accessToken) {
		if (proof == null || proof.isEmpty() || proof.length() > MAX_PROOF_LENGTH) {
			throw refused(Reason.MALFORMED);
		}
		int first = proof.indexOf('.');
		int second = (first < 0) ? -1 : proof.indexOf('.', first + 1);
		if (first <= 0 || second <= first + 1 || second == proof.length() - 1 || proof.indexOf('.', second + 1) >= 0) {
			throw refused(Reason.MALFORMED);
		}
		JsonNode header = decodeObject(proof, 0, first);
		JsonNode claims = decodeObject(proof, first + 1, second);
		String typ = string(header, "typ");
		if (typ == null || !TYPE.equals(typ.toLowerCase(Locale.ROOT))) {
			throw refused(Reason.TYPE);
		}
		DpopAlgorithm algorithm = this.algorithms.get(string(header, "alg"));
		if (algorithm == null) {
			throw refused(Reason.ALGORITHM);
		}
		String jti = string(claims, "jti");
		if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
			throw refused(Reason.JTI);
		}
		if (!method.equals(string(claims, "htm"))) {
			throw refused(Reason.METHOD);
		}
		String htu = HttpTargetUri.normalize(string(claims, "htu"));
		if (htu == null || !htu.equals(url)) {
			throw refused(Reason.URL);
		}
		long iat = issuedAt(claims);
		long now = this.clock.instant().getEpochSecond();
		if (iat < now - this.maxAgeSeconds) {
			throw refused(Reason.STALE);
		}
		if (iat > now + this.skewSeconds) {
			throw refused(Reason.FUTURE);
		}
		checkAth(string(claims, "ath"), accessToken);
		if (this.nonces != null && !this.nonces.isValid(string(claims, "nonce"))) {
			throw new UseDpopNonceException(this.challenge, this.nonces.current());
		}
		ProofKey key;
		try {
			key = ProofKey.read(header.get("jwk"), algorithm);
		}
		catch (IllegalArgumentException ex) {
			throw refused(Reason.KEY);
		}
		checkSignature(algorithm, key, proof, second);
		return new VerifiedProof(key.thumbprint(), jti, iat);
	}

	private void checkAth(String ath, String accessToken) {
		if (ath == null || ath.length() != 43) {
			throw refused(Reason.ATH);
		}
		byte[] presented;
		try {
			presented = BASE64URL.decode(ath);
		}
		catch (IllegalArgumentException ex) {
			throw refused(Reason.ATH);
		}
		if (!MessageDigest.isEqual(presented, ProofKey.sha256(accessToken))) {
			throw refused(Reason.ATH);
		}
	}

	private void checkSignature(DpopAlgorithm algorithm, ProofKey key, String proof, int signingInputEnd) {
		byte[] signature;
		try {
			signature = BASE64URL.decode(proof.substring(signingInputEnd + 1));
		}
		catch (IllegalArgumentException ex) {
			throw refused(Reason.MALFORMED);
		}
		boolean valid;
		try {
			Signature verifier = algorithm.newSignature();
			verifier.initVerify(key.key());
			verifier.update(proof.substring(0, signingInputEnd).getBytes(StandardCharsets.US_ASCII));
			valid = verifier.verify(signature);
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			// a signature of the wrong length or encoding is simply not valid
			valid = false;
		}
		if (!valid) {
			throw refused(Reason.SIGNATURE);
		}
	}

	/** {@code iat}: a JSON number of seconds (a fraction is cut off). */
	private long issuedAt(JsonNode claims) {
		JsonNode iat = claims.get("iat");
		if (iat == null || !iat.isNumber() || !iat.canConvertToLong()) {
			throw refused(Reason.MALFORMED);
		}
		return iat.longValue();
	}

	private JsonNode decodeObject(String proof, int start, int end) {
		for (int i = start; i < end; i++) {
			char c = proof.charAt(i);
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
				throw refused(Reason.MALFORMED);
			}
		}
		try {
			JsonNode node = JSON.readTree(BASE64URL.decode(proof.substring(start, end)));
			if (node == null || !node.isObject()) {
				throw refused(Reason.MALFORMED);
			}
			return node;
		}
		catch (IllegalArgumentException | JacksonException ex) {
			throw refused(Reason.MALFORMED);
		}
	}

	/** A string member, or {@code null} when absent; any other type is malformed. */
	private String string(JsonNode node, String name) {
		JsonNode value = node.get(name);
		if (value == null) {
			return null;
		}
		if (!value.isString()) {
			throw refused(Reason.MALFORMED);
		}
		return value.stringValue();
	}

	private InvalidDpopProofException refused(Reason reason) {
		return new InvalidDpopProofException(reason, this.challenge);
	}

	/**
	 * A proof that passed every check but the replay check.
	 *
	 * @param thumbprint the RFC 7638 thumbprint of its key (32 bytes)
	 * @param jti its identifier
	 * @param issuedAt its {@code iat}, seconds
	 */
	record VerifiedProof(byte[] thumbprint, String jti, long issuedAt) {

		@Override
		public boolean equals(Object other) {
			return other instanceof VerifiedProof that && MessageDigest.isEqual(this.thumbprint, that.thumbprint)
					&& this.jti.equals(that.jti) && this.issuedAt == that.issuedAt;
		}

		@Override
		public int hashCode() {
			return this.jti.hashCode();
		}

		@Override
		public String toString() {
			return "VerifiedProof[jti=" + this.jti + ", iat=" + this.issuedAt + "]";
		}

	}

}
