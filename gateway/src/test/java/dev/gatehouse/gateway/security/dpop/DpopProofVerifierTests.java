package dev.gatehouse.gateway.security.dpop;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.gatehouse.gateway.security.dpop.InvalidDpopProofException.Reason;
import dev.gatehouse.gateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The proof checks of RFC 9449 section 4.3 and the attacks of section 11, one by one.
 */
class DpopProofVerifierTests {

	private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

	private static final String URL = "https://api.example.test/items/7";

	private static final String TOKEN = "header.payload.signature";

	private static final List<String> ALGS = List.of("RS256", "ES256", "EdDSA", "PS256");

	private static final DpopProofs ES256 = DpopProofs.client("ES256");

	private final MutableClock clock = new MutableClock(NOW);

	private final DpopChallenge challenge = new DpopChallenge(ALGS);

	private final DpopProofVerifier verifier = new DpopProofVerifier(ALGS, Duration.ofSeconds(60),
			Duration.ofSeconds(5), this.clock, null, this.challenge);

	private DpopProofVerifier.VerifiedProof verify(String proof) {
		return this.verifier.verify(proof, "GET", HttpTargetUri.normalize(URL), TOKEN);
	}

	private void assertRefused(String proof, Reason reason) {
		assertThatExceptionOfType(InvalidDpopProofException.class).isThrownBy(() -> verify(proof))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(reason));
	}

	private static String claims(Instant iat) {
		return DpopProofs.claims("GET", URL, TOKEN, iat, UUID.randomUUID().toString(), null);
	}

	@ParameterizedTest
	@ValueSource(strings = { "RS256", "PS256", "ES256", "EdDSA" })
	void aValidProofOfEachAlgorithmIsAcceptedWithTheThumbprintTheAuthServiceComputes(String alg) {
		DpopProofs client = DpopProofs.client(alg);
		DpopProofVerifier.VerifiedProof proof = verify(client.proof("GET", URL, TOKEN, NOW));
		assertThat(DpopProofs.b64(proof.thumbprint())).isEqualTo(client.thumbprint());
		assertThat(proof.issuedAt()).isEqualTo(NOW.getEpochSecond());
	}

	@Test
	void aProofForAnotherMethodIsRefused() {
		assertRefused(ES256.proof("POST", URL, TOKEN, NOW), Reason.METHOD);
	}

	@Test
	void aProofForAnotherUrlIsRefused() {
		assertRefused(ES256.proof("GET", "https://api.example.test/items/8", TOKEN, NOW), Reason.URL);
		assertRefused(ES256.proof("GET", "https://other.example.test/items/7", TOKEN, NOW), Reason.URL);
		assertRefused(ES256.proof("GET", "http://api.example.test/items/7", TOKEN, NOW), Reason.URL);
		assertRefused(ES256.proof("GET", "/items/7", TOKEN, NOW), Reason.URL);
	}

	@Test
	void theUrlIsComparedWithoutQueryOrFragmentAndWithCaseAndDefaultPortNormalised() {
		verify(ES256.proof("GET", "HTTPS://API.example.test:443/items/7?page=2#top", TOKEN, NOW));
	}

	@Test
	void aProofCarryingAPrivateKeyInItsHeaderIsRefused() {
		byte[] d = ((java.security.interfaces.ECPrivateKey) ES256.keys().getPrivate()).getS().toByteArray();
		String privateJwk = ES256.jwk().replaceFirst("\\{", "{\"d\":\"" + DpopProofs.b64(d) + "\",");
		assertThat(privateJwk).contains("\"d\"");
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + privateJwk + "}";
		assertRefused(ES256.sign(header, claims(NOW)), Reason.KEY);
	}

	@Test
	void aProofWithAlgNoneIsRefused() {
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"none\",\"jwk\":" + ES256.jwk() + "}";
		assertRefused(DpopProofs.b64(header) + "." + DpopProofs.b64(claims(NOW)) + ".", Reason.MALFORMED);
		assertRefused(DpopProofs.b64(header) + "." + DpopProofs.b64(claims(NOW)) + ".c2ln", Reason.ALGORITHM);
	}

	@Test
	void anHmacProofIsRefused() throws Exception {
		byte[] secret = "a-shared-secret-of-thirty-two-bytes!!".getBytes(StandardCharsets.UTF_8);
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\""
				+ DpopProofs.b64(secret) + "\"}}";
		String input = DpopProofs.b64(header) + "." + DpopProofs.b64(claims(NOW));
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(secret, "HmacSHA256"));
		String proof = input + "." + DpopProofs.b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
		assertRefused(proof, Reason.ALGORITHM);
	}

	@Test
	void anAlgorithmThatIsNotConfiguredIsRefused() {
		DpopProofVerifier es256Only = new DpopProofVerifier(List.of("ES256"), Duration.ofSeconds(60),
				Duration.ofSeconds(5), this.clock, null, this.challenge);
		String proof = DpopProofs.client("EdDSA").proof("GET", URL, TOKEN, NOW);
		assertThatExceptionOfType(InvalidDpopProofException.class)
			.isThrownBy(() -> es256Only.verify(proof, "GET", HttpTargetUri.normalize(URL), TOKEN))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.ALGORITHM));
	}

	@Test
	void aStaleProofIsRefused() {
		assertRefused(ES256.proof("GET", URL, TOKEN, NOW.minusSeconds(61)), Reason.STALE);
		verify(ES256.proof("GET", URL, TOKEN, NOW.minusSeconds(60)));
	}

	@Test
	void aProofFromTheFutureBeyondTheClockSkewIsRefused() {
		assertRefused(ES256.proof("GET", URL, TOKEN, NOW.plusSeconds(6)), Reason.FUTURE);
		verify(ES256.proof("GET", URL, TOKEN, NOW.plusSeconds(5)));
	}

	@Test
	void aProofWhoseAthIsNotTheHashOfThePresentedTokenIsRefused() {
		assertRefused(ES256.proof("GET", URL, "another.access.token", NOW), Reason.ATH);
		String withoutAth = DpopProofs.claims("GET", URL, null, NOW, "jti-1", null);
		assertRefused(ES256.sign(ES256.header(), withoutAth), Reason.ATH);
	}

	@Test
	void aProofSignedByAnotherKeyThanItsJwkIsRefused() {
		DpopProofs attacker = DpopProofs.client("ES256");
		assertRefused(ES256.sign(ES256.header(), claims(NOW), attacker.keys().getPrivate()), Reason.SIGNATURE);
	}

	@Test
	void aProofWithATamperedPayloadIsRefused() {
		String proof = ES256.proof("GET", URL, TOKEN, NOW);
		String[] parts = proof.split("\\.");
		String tampered = parts[0] + "." + DpopProofs.b64(claims(NOW)) + "." + parts[2];
		assertRefused(tampered, Reason.SIGNATURE);
	}

	@Test
	void aJwkOfAnotherKeyTypeThanTheAlgorithmIsRefused() {
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"RS256\",\"jwk\":" + ES256.jwk() + "}";
		assertRefused(ES256.sign(header, claims(NOW)), Reason.KEY);
	}

	@Test
	void anRsaKeyShorterThan2048BitsIsRefused() throws Exception {
		java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
		generator.initialize(1024);
		DpopProofs weak = DpopProofs.client("RS256", generator.generateKeyPair());
		assertRefused(weak.proof("GET", URL, TOKEN, NOW), Reason.KEY);
	}

	@Test
	void aProofWithoutTheDpopTypeIsRefused() {
		String header = "{\"typ\":\"JWT\",\"alg\":\"ES256\",\"jwk\":" + ES256.jwk() + "}";
		assertRefused(ES256.sign(header, claims(NOW)), Reason.TYPE);
		String untyped = "{\"alg\":\"ES256\",\"jwk\":" + ES256.jwk() + "}";
		assertRefused(ES256.sign(untyped, claims(NOW)), Reason.TYPE);
	}

	@Test
	void aProofWithDuplicateMembersIsRefused() {
		String duplicate = "{\"jti\":\"a\",\"jti\":\"b\",\"htm\":\"GET\",\"htu\":\"" + URL + "\",\"iat\":"
				+ NOW.getEpochSecond() + ",\"ath\":\"" + DpopProofs.ath(TOKEN) + "\"}";
		assertRefused(ES256.sign(ES256.header(), duplicate), Reason.MALFORMED);
	}

	@Test
	void aProofWithoutJtiOrWithAnOverlongJtiIsRefused() {
		String missing = "{\"htm\":\"GET\",\"htu\":\"" + URL + "\",\"iat\":" + NOW.getEpochSecond() + ",\"ath\":\""
				+ DpopProofs.ath(TOKEN) + "\"}";
		assertRefused(ES256.sign(ES256.header(), missing), Reason.JTI);
		String overlong = DpopProofs.claims("GET", URL, TOKEN, NOW, "j".repeat(257), null);
		assertRefused(ES256.sign(ES256.header(), overlong), Reason.JTI);
	}

	@Test
	void somethingThatIsNotACompactJwsIsRefused() {
		assertRefused("not-a-jws", Reason.MALFORMED);
		assertRefused("a.b.c.d", Reason.MALFORMED);
		assertRefused("x".repeat(DpopProofVerifier.MAX_PROOF_LENGTH + 1), Reason.MALFORMED);
	}

	@Test
	void theChallengeNamesTheErrorAndListsTheAcceptedAlgorithms() {
		InvalidDpopProofException refusal = new InvalidDpopProofException(Reason.REPLAYED, this.challenge);
		assertThat(refusal.getHeaders().getFirst("WWW-Authenticate")).isEqualTo(
				"DPoP error=\"invalid_dpop_proof\", error_description=\"DPoP proof replayed\", algs=\"RS256 ES256 EdDSA PS256\"");
		assertThat(refusal.getStatusCode().value()).isEqualTo(401);
		assertThat(refusal.getBody().getType().toString()).isEqualTo("urn:gatehouse:problem:invalid-dpop-proof");
		assertThat(refusal.refusalReason()).isEqualTo("dpop_replayed");
	}

	@Test
	void withNoncesOnAProofWithoutACurrentNonceIsAnsweredWithOne() {
		DpopNonces nonces = new DpopNonces("a-nonce-secret", Duration.ofMinutes(5), this.clock);
		DpopProofVerifier strict = new DpopProofVerifier(ALGS, Duration.ofSeconds(60), Duration.ofSeconds(5),
				this.clock, nonces, this.challenge);
		String target = HttpTargetUri.normalize(URL);
		UseDpopNonceException missing = org.junit.jupiter.api.Assertions.assertThrows(UseDpopNonceException.class,
				() -> strict.verify(ES256.proof("GET", URL, TOKEN, NOW), "GET", target, TOKEN));
		String nonce = missing.getHeaders().getFirst("DPoP-Nonce");
		assertThat(nonce).isEqualTo(nonces.current());
		assertThat(missing.getHeaders().getFirst("WWW-Authenticate")).startsWith("DPoP error=\"use_dpop_nonce\"");
		String withNonce = ES256.sign(ES256.header(), DpopProofs.claims("GET", URL, TOKEN, NOW, "n-1", nonce));
		strict.verify(withNonce, "GET", target, TOKEN);
		// another instance with the same secret accepts it; an old nonce is not accepted
		assertThat(new DpopNonces("a-nonce-secret", Duration.ofMinutes(5), this.clock).isValid(nonce)).isTrue();
		assertThat(new DpopNonces("another-secret", Duration.ofMinutes(5), this.clock).isValid(nonce)).isFalse();
		this.clock.advance(Duration.ofMinutes(5));
		assertThat(nonces.isValid(nonce)).as("previous bucket").isTrue();
		this.clock.advance(Duration.ofMinutes(5));
		assertThat(nonces.isValid(nonce)).as("two buckets old").isFalse();
	}

	@Test
	void theThumbprintIsTheOneOfRfc7638ExampleKey() {
		// RFC 7638 section 3.1: the thumbprint of this RSA key is
		// NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs
		String n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
		String header = "{\"typ\":\"dpop+jwt\",\"alg\":\"RS256\",\"jwk\":{\"kty\":\"RSA\",\"n\":\"" + n
				+ "\",\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}}";
		ProofKey key = ProofKey.read(
				tools.jackson.databind.json.JsonMapper.builder().build().readTree(header).get("jwk"),
				DpopAlgorithm.RS256);
		assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(key.thumbprint()))
			.isEqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	}

}
