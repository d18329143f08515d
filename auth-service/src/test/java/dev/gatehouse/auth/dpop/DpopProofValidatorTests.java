package dev.gatehouse.auth.dpop;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import dev.gatehouse.auth.support.DpopProofs;
import dev.gatehouse.auth.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** RFC 9449 §4.3 checks and the §11 attacks that apply to the token endpoint. */
class DpopProofValidatorTests {

	private static final String URL = "https://auth.example/token";

	private static final URI REQUEST_URL = URI.create(URL);

	private static final KeyPair EC = DpopProofs.ec();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));

	private final DpopProofValidator validator = validator(settings(List.of(), false));

	@Test
	void validateWhenSignedWithEachAllowedAlgorithmThenReturnsTheKeyThumbprint() {
		KeyPair rsa = DpopProofs.rsa();
		KeyPair ed25519 = DpopProofs.ed25519();
		assertThat(accept(proof(rsa, Jwts.SIG.RS256)).algorithm()).isEqualTo("RS256");
		assertThat(accept(proof(rsa, Jwts.SIG.PS256)).jkt()).isEqualTo(DpopProofs.thumbprint(rsa));
		assertThat(accept(proof(EC, Jwts.SIG.ES256)).jkt()).isEqualTo(DpopProofs.thumbprint(EC));
		assertThat(accept(proof(ed25519, Jwts.SIG.EdDSA)).jkt()).isEqualTo(DpopProofs.thumbprint(ed25519));
	}

	@Test
	void thumbprintIsTheRfc7638Sha256OfTheRequiredMembersInLexicalOrder() throws Exception {
		ECPublicKey key = (ECPublicKey) EC.getPublic();
		String members = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\""
				+ coordinate(key.getW().getAffineX().toByteArray()) + "\",\"y\":\""
				+ coordinate(key.getW().getAffineY().toByteArray()) + "\"}";
		String expected = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(MessageDigest.getInstance("SHA-256").digest(members.getBytes(StandardCharsets.UTF_8)));
		assertThat(accept(proof(EC, Jwts.SIG.ES256)).jkt()).isEqualTo(expected);
	}

	@Test
	void validateWhenTheProofIsReplayedThenRefuses() {
		String proof = proof(EC, Jwts.SIG.ES256);
		accept(proof);
		assertRefused(() -> validate(proof), "used before");
	}

	@Test
	void validateWhenTheProofIsReplayedJustBeforeItExpiresThenStillRefuses() {
		String proof = proof(EC, Jwts.SIG.ES256);
		accept(proof);
		this.clock.advance(Duration.ofSeconds(59));
		assertRefused(() -> validate(proof), "used before");
	}

	@Test
	void validateWhenTheProofIsForAnotherUrlThenRefuses() {
		String proof = DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", "https://auth.example/revoke", now(), null);
		assertRefused(() -> validate(proof), "another URL");
	}

	@Test
	void validateWhenTheProofIsForAnotherMethodThenRefuses() {
		String proof = DpopProofs.proof(EC, Jwts.SIG.ES256, "GET", URL, now(), null);
		assertRefused(() -> validate(proof), "another HTTP method");
	}

	@Test
	void validateComparesUrlsNormalisedAndWithoutQueryOrFragment() {
		accept(DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", "HTTPS://Auth.Example:443/token?x=1#f", now(), null));
		assertRefused(
				() -> validate(DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", "https://auth.example/Token", now(), null)),
				"another URL");
		assertRefused(
				() -> validate(DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", "http://auth.example/token", now(), null)),
				"another URL");
	}

	@Test
	void validateWhenPublicTokenUrlsAreConfiguredThenAcceptsEachOfThemOnly() {
		DpopProofValidator behindGateway = validator(settings(
				List.of(URI.create("http://localhost:8080/auth/token"), URI.create("http://localhost:9000/token")),
				false));
		URI arrivedAt = URI.create("http://10.0.0.5:9000/token");
		behindGateway.validate(
				DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", "http://localhost:8080/auth/token", now(), null), "POST",
				arrivedAt);
		behindGateway.validate(DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", "http://localhost:9000/token", now(), null),
				"POST", arrivedAt);
		assertRefused(() -> behindGateway.validate(
				DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", arrivedAt.toString(), now(), null), "POST", arrivedAt),
				"another URL");
	}

	@Test
	void validateWhenTheHeaderCarriesAPrivateKeyThenRefuses() {
		ECPrivateKey privateKey = (ECPrivateKey) EC.getPrivate();
		String privateJwk = Jwks
			.UNSAFE_JSON(Jwks.builder().key(privateKey).publicKey((ECPublicKey) EC.getPublic()).build());
		assertThat(privateJwk).contains("\"d\"");
		String proof = DpopProofs.compact("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + privateJwk + "}",
				DpopProofs.claims(URL, now()), privateKey, "SHA256withECDSAinP1363Format");
		assertRefused(() -> validate(proof), "not a public key");
	}

	@Test
	void validateWhenAlgIsNoneThenRefuses() {
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"none\",\"jwk\":" + Jwks.json(DpopProofs.jwk(EC)) + "}";
		String unsigned = DpopProofs.compact(header, DpopProofs.claims(URL, now()), null, null);
		assertRefused(() -> validate(unsigned), "not a compact JWS");
		assertRefused(() -> validate(unsigned + "AAAA"), "alg is not one of");
	}

	@Test
	void validateWhenTheProofIsAnHmacThenRefuses() {
		byte[] secret = new byte[32];
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\""
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\"}}";
		String claims = DpopProofs.claims(URL, now());
		String proof = hmac(header, claims, secret);
		assertRefused(() -> validate(proof), "alg is not one of");
		// the same with a public key in the header: an HMAC keyed with public values
		String withPublicJwk = hmac(
				"{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":" + Jwks.json(DpopProofs.jwk(EC)) + "}", claims,
				secret);
		assertRefused(() -> validate(withPublicJwk), "alg is not one of");
	}

	@Test
	void validateWhenTheAlgorithmIsNotConfiguredThenRefuses() {
		DpopProofValidator esOnly = validator(new DpopProperties(true, List.of("ES256"), Duration.ofSeconds(60),
				Duration.ofSeconds(5), List.of(), new DpopProperties.ReplayCache(1000),
				new DpopProperties.Nonce(false, null, Duration.ofMinutes(5))));
		assertRefused(() -> esOnly.validate(proof(DpopProofs.rsa(), Jwts.SIG.RS256), "POST", REQUEST_URL),
				"alg is not one of ES256");
	}

	@Test
	void validateWhenIatIsStaleThenRefuses() {
		assertRefused(
				() -> validate(
						DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", URL, now().minus(Duration.ofSeconds(61)), null)),
				"too old");
		accept(DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", URL, now().minus(Duration.ofSeconds(59)), null));
	}

	@Test
	void validateWhenIatIsInTheFutureBeyondTheSkewThenRefuses() {
		assertRefused(
				() -> validate(
						DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", URL, now().plus(Duration.ofSeconds(7)), null)),
				"in the future");
		accept(DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", URL, now().plus(Duration.ofSeconds(4)), null));
	}

	@Test
	void validateWhenSignedByAnotherKeyThanTheHeadersThenRefuses() {
		KeyPair other = DpopProofs.ec();
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + Jwks.json(DpopProofs.jwk(EC)) + "}";
		String proof = DpopProofs.compact(header, DpopProofs.claims(URL, now()), other.getPrivate(),
				"SHA256withECDSAinP1363Format");
		assertRefused(() -> validate(proof), "signature does not verify");
	}

	@Test
	void validateWhenTheSignatureIsTamperedWithThenRefuses() {
		String proof = proof(EC, Jwts.SIG.ES256);
		char last = proof.charAt(proof.length() - 2);
		String tampered = proof.substring(0, proof.length() - 2) + ((last == 'A') ? 'B' : 'A')
				+ proof.charAt(proof.length() - 1);
		assertRefused(() -> validate(tampered), "signature does not verify");
	}

	@Test
	void validateWhenTheKeyDoesNotFitTheAlgThenRefuses() {
		KeyPair rsa = DpopProofs.rsa();
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + Jwks.json(DpopProofs.jwk(rsa)) + "}";
		String proof = DpopProofs.compact(header, DpopProofs.claims(URL, now()), rsa.getPrivate(), "SHA256withRSA");
		assertRefused(() -> validate(proof), "cannot be verified");
	}

	@Test
	void validateWhenTheRsaKeyIsShorterThan2048BitsThenRefuses() throws Exception {
		java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
		generator.initialize(1024);
		KeyPair weak = generator.generateKeyPair();
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"RS256\",\"jwk\":" + Jwks.json(DpopProofs.jwk(weak)) + "}";
		String proof = DpopProofs.compact(header, DpopProofs.claims(URL, now()), weak.getPrivate(), "SHA256withRSA");
		assertRefused(() -> validate(proof), "cannot be verified");
	}

	@Test
	void validateWhenTheEcCurveIsNotTheAlgsThenRefuses() throws Exception {
		java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
		generator.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
		KeyPair p384 = generator.generateKeyPair();
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + Jwks.json(DpopProofs.jwk(p384)) + "}";
		String proof = DpopProofs.compact(header, DpopProofs.claims(URL, now()), p384.getPrivate(),
				"SHA256withECDSAinP1363Format");
		assertRefused(() -> validate(proof), "cannot be verified");
	}

	@Test
	void validateWhenTypIsNotDpopJwtThenRefuses() {
		String proof = Jwts.builder()
			.header()
			.type("JWT")
			.jwk(DpopProofs.jwk(EC))
			.and()
			.id("x")
			.issuedAt(java.util.Date.from(now()))
			.claim("htm", "POST")
			.claim("htu", URL)
			.signWith(EC.getPrivate(), Jwts.SIG.ES256)
			.compact();
		assertRefused(() -> validate(proof), "typ is not dpop+jwt");
	}

	@Test
	void validateWhenAClaimIsMissingThenRefuses() {
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + Jwks.json(DpopProofs.jwk(EC)) + "}";
		String noJti = DpopProofs.compact(header,
				"{\"htm\":\"POST\",\"htu\":\"" + URL + "\",\"iat\":" + now().getEpochSecond() + "}", EC.getPrivate(),
				"SHA256withECDSAinP1363Format");
		assertRefused(() -> validate(noJti), "no jti");
		String noIat = DpopProofs.compact(header, "{\"jti\":\"a\",\"htm\":\"POST\",\"htu\":\"" + URL + "\"}",
				EC.getPrivate(), "SHA256withECDSAinP1363Format");
		assertRefused(() -> validate(noIat), "no iat");
		String longJti = DpopProofs.compact(header, "{\"jti\":\"" + "a".repeat(257) + "\",\"htm\":\"POST\",\"htu\":\""
				+ URL + "\",\"iat\":" + now().getEpochSecond() + "}", EC.getPrivate(), "SHA256withECDSAinP1363Format");
		assertRefused(() -> validate(longJti), "jti is too long");
	}

	@Test
	void validateWhenTheProofIsNotACompactJwsThenRefuses() {
		assertRefused(() -> validate("not a proof"), "not a compact JWS");
		assertRefused(() -> validate("a.b.c.d"), "not a compact JWS");
		assertRefused(() -> validate("e30.e30.AAAA"), "typ is not dpop+jwt");
		assertRefused(() -> validate("W10.e30.AAAA"), "not a JSON object");
		assertRefused(() -> validate("x".repeat(9000) + ".e30.AAAA"), "not a compact JWS");
	}

	@Test
	void validateWhenNoncesAreOnThenAProofWithoutOneIsAskedForTheCurrentNonce() {
		DpopProofValidator withNonces = validator(settings(List.of(), true));
		DpopException refusal = catchThrowableOfType(DpopException.class, () -> withNonces
			.validate(DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", URL, now(), null), "POST", REQUEST_URL));
		assertThat(refusal.error()).isEqualTo(DpopException.USE_DPOP_NONCE);
		assertThat(refusal.nonce()).isNotBlank();
		withNonces.validate(DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", URL, now(), refusal.nonce()), "POST",
				REQUEST_URL);
	}

	@Test
	void validateWhenTheNonceIsStaleOrForgedThenAsksForTheCurrentOne() {
		DpopProofValidator withNonces = validator(settings(List.of(), true));
		DpopNonces nonces = new DpopNonces(
				new DpopProperties.Nonce(true, "0123456789abcdef0123456789abcdef", Duration.ofMinutes(5)), this.clock);
		String old = nonces.current();
		this.clock.advance(Duration.ofMinutes(5));
		// the previous lifetime's nonce is still good
		withNonces.validate(DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", URL, now(), old), "POST", REQUEST_URL);
		this.clock.advance(Duration.ofMinutes(5));
		DpopException stale = catchThrowableOfType(DpopException.class, () -> withNonces
			.validate(DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", URL, now(), old), "POST", REQUEST_URL));
		assertThat(stale.error()).isEqualTo(DpopException.USE_DPOP_NONCE);
		assertThat(stale.nonce()).isNotEqualTo(old);
		DpopNonces otherSecret = new DpopNonces(
				new DpopProperties.Nonce(true, "another secret of 32 characters!", Duration.ofMinutes(5)), this.clock);
		DpopException forged = catchThrowableOfType(DpopException.class,
				() -> withNonces.validate(
						DpopProofs.proof(EC, Jwts.SIG.ES256, "POST", URL, now(), otherSecret.current()), "POST",
						REQUEST_URL));
		assertThat(forged.error()).isEqualTo(DpopException.USE_DPOP_NONCE);
	}

	private DpopProof accept(String proof) {
		return validate(proof);
	}

	private DpopProof validate(String proof) {
		return this.validator.validate(proof, "POST", REQUEST_URL);
	}

	private String proof(KeyPair keys, io.jsonwebtoken.security.SignatureAlgorithm algorithm) {
		return DpopProofs.proof(keys, algorithm, "POST", URL, now(), null);
	}

	private Instant now() {
		return this.clock.instant();
	}

	private static void assertRefused(Executable validation, String reason) {
		DpopException refusal = catchThrowableOfType(DpopException.class, validation::execute);
		assertThat(refusal).as("refused").isNotNull();
		assertThat(refusal.error()).isEqualTo(DpopException.INVALID_DPOP_PROOF);
		assertThat(refusal.getMessage()).contains(reason);
	}

	private DpopProperties settings(List<URI> publicTokenUrls, boolean nonces) {
		return new DpopProperties(true, List.of("RS256", "PS256", "ES256", "EdDSA"), Duration.ofSeconds(60),
				Duration.ofSeconds(5), publicTokenUrls, new DpopProperties.ReplayCache(1000),
				new DpopProperties.Nonce(nonces, "0123456789abcdef0123456789abcdef", Duration.ofMinutes(5)));
	}

	private DpopProofValidator validator(DpopProperties properties) {
		return new DpopProofValidator(properties, new DpopNonces(properties.nonce(), this.clock),
				new ProofReplayCache(properties.replayCache().maxEntries(),
						properties.maxAge().plus(properties.clockSkew()), this.clock, null, new SimpleMeterRegistry()),
				this.clock);
	}

	private static String hmac(String header, String claims, byte[] secret) {
		try {
			Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
			String input = encoder.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
					+ encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
			javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
			mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
			return input + "." + encoder.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** An unsigned big-endian coordinate of P-256, 32 bytes, base64url. */
	private static String coordinate(byte[] signedBigEndian) {
		byte[] bytes = new byte[32];
		int length = Math.min(signedBigEndian.length, 32);
		System.arraycopy(signedBigEndian, signedBigEndian.length - length, bytes, 32 - length, length);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
