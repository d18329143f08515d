package dev.gatehouse.gateway.security;

import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.gatehouse.gateway.security.TokenRejectedException.Reason;
import dev.gatehouse.gateway.support.MutableClock;
import dev.gatehouse.gateway.support.TestTokens;

import static dev.gatehouse.gateway.support.TestTokens.AUDIENCE;
import static dev.gatehouse.gateway.support.TestTokens.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hostile and well-formed tokens against {@link JwtTokenVerifier}.
 */
class JwtTokenVerifierTests {

	private static final KeyPair KEYS = TestTokens.rsa();

	private static final KeyPair ATTACKER = TestTokens.rsa();

	private static final String KID = TestTokens.thumbprint((RSAPublicKey) KEYS.getPublic());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));

	private JwtTokenVerifier verifier;

	private Instant now;

	@BeforeEach
	void setUp() {
		this.now = this.clock.instant();
		IssuerKeySource keys = (kid, alg) -> KID.equals(kid) ? KEYS.getPublic() : null;
		IssuerVerifier issuer = new IssuerVerifier(ISSUER, List.of(AUDIENCE), List.of("RS256"), "at+jwt", keys);
		this.verifier = new JwtTokenVerifier(Map.of(ISSUER, issuer), this.clock, Duration.ofSeconds(30),
				Duration.ofHours(24));
	}

	private VerifiedToken verify(String token) {
		return this.verifier.verify(token).block();
	}

	private void assertRejected(String token, Reason reason) {
		assertThatThrownBy(() -> verify(token)).isInstanceOfSatisfying(TokenRejectedException.class,
				ex -> assertThat(ex.getReason()).isEqualTo(reason));
	}

	private String header() {
		return "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + KID + "\"}";
	}

	private String claims(Map<String, String> overrides) {
		return TestTokens.claims(this.now, overrides);
	}

	@Test
	void acceptsTokenAsTheAuthServiceIssuesIt() {
		VerifiedToken token = verify(TestTokens.accessToken(KEYS, this.now).compact());
		assertThat(token.subject()).isEqualTo("alice");
		assertThat(token.roles()).containsExactly("user", "admin");
		assertThat(token.scopes()).containsExactly("items:read", "items:write");
		assertThat(token.clientId()).isEqualTo("gatehouse-web");
		assertThat(token.sessionId()).isEqualTo("family-1");
		assertThat(token.issuer()).isEqualTo(ISSUER);
	}

	@Test
	void acceptsAudienceGivenAsArray() {
		String token = TestTokens.signedRaw(header(), claims(Map.of("aud", "[\"other\",\"gatehouse\"]")),
				KEYS.getPrivate());
		assertThat(verify(token).subject()).isEqualTo("alice");
	}

	@ParameterizedTest
	@ValueSource(strings = { "none", "None", "NONE", "nOnE" })
	void rejectsTokenWhenAlgIsNoneInAnyCasing(String alg) {
		String header = "{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\"}";
		assertRejected(TestTokens.raw(header, claims(Map.of()), "c2ln"), Reason.ALGORITHM_NOT_ALLOWED);
		// the unsecured form (empty signature) is refused too
		assertThatThrownBy(() -> verify(TestTokens.raw(header, claims(Map.of()), "")))
			.isInstanceOf(TokenRejectedException.class);
	}

	@Test
	void rejectsHs256SignedWithTheRsaPublicKeyBytes() {
		String header = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"" + KID + "\"}";
		String input = TestTokens.b64(header) + "." + TestTokens.b64(claims(Map.of()));
		String der = input + "." + TestTokens.hs256(input, KEYS.getPublic().getEncoded());
		assertRejected(der, Reason.ALGORITHM_NOT_ALLOWED);
		String pem = "-----BEGIN PUBLIC KEY-----\n"
				+ java.util.Base64.getMimeEncoder().encodeToString(KEYS.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----\n";
		String pemSigned = input + "." + TestTokens.hs256(input, pem.getBytes());
		assertRejected(pemSigned, Reason.ALGORITHM_NOT_ALLOWED);
	}

	@Test
	void rejectsTokenCarryingItsOwnKeyInAnEmbeddedJwk() {
		String jwk = io.jsonwebtoken.security.Jwks
			.json(io.jsonwebtoken.security.Jwks.builder().key((RSAPublicKey) ATTACKER.getPublic()).build());
		String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"jwk\":" + jwk + "}";
		assertRejected(TestTokens.signedRaw(header, claims(Map.of()), ATTACKER.getPrivate()),
				Reason.HEADER_NOT_ALLOWED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"jku\":\"https://evil.example/jwks.json\"", "\"x5u\":\"https://evil.example/cert.pem\"",
			"\"x5c\":[\"MIIB\"]", "\"crit\":[\"exp\"]", "\"crit\":[\"b64\"],\"b64\":false" })
	void rejectsTokenWithKeyUrlCertificateOrCriticalHeaders(String member) {
		String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + KID + "\"," + member + "}";
		assertRejected(TestTokens.signedRaw(header, claims(Map.of()), ATTACKER.getPrivate()),
				Reason.HEADER_NOT_ALLOWED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "../../../../etc/passwd", "..%2f..%2fkeys", "/dev/null", "' OR '1'='1",
			"https://evil.example/jwks.json", "kid\\u0000null", "" })
	void rejectsKidPathTraversalAndInjection(String kid) {
		String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}";
		assertRejected(TestTokens.signedRaw(header, claims(Map.of()), ATTACKER.getPrivate()), Reason.UNKNOWN_KEY);
	}

	@Test
	void rejectsTokenWithoutExp() {
		Map<String, String> noExp = new java.util.HashMap<>();
		noExp.put("exp", null);
		assertRejected(TestTokens.signedRaw(header(), claims(noExp), KEYS.getPrivate()), Reason.INVALID_CLAIM);
	}

	@Test
	void rejectsTokenWhoseExpIsAString() {
		String exp = "\"" + this.now.plusSeconds(600).getEpochSecond() + "\"";
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("exp", exp)), KEYS.getPrivate()),
				Reason.INVALID_CLAIM);
	}

	@Test
	void rejectsAbsurdlyLargeExpWithoutOverflow() {
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("exp", "18446745869150446")), KEYS.getPrivate()),
				Reason.LIFETIME_TOO_LONG);
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("exp", "1e400")), KEYS.getPrivate()),
				Reason.LIFETIME_TOO_LONG);
	}

	@Test
	void rejectsTokenLivingLongerThanTheMaximumLifetime() {
		String exp = Long.toString(this.now.plus(Duration.ofHours(25)).getEpochSecond());
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("exp", exp)), KEYS.getPrivate()),
				Reason.LIFETIME_TOO_LONG);
	}

	@Test
	void rejectsNbfInTheFutureBeyondTheSkew() {
		String nbf = Long.toString(this.now.plusSeconds(31).getEpochSecond());
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("nbf", nbf)), KEYS.getPrivate()),
				Reason.NOT_YET_VALID);
		String withinSkew = Long.toString(this.now.plusSeconds(29).getEpochSecond());
		assertThat(verify(TestTokens.signedRaw(header(), claims(Map.of("nbf", withinSkew)), KEYS.getPrivate())))
			.isNotNull();
	}

	@Test
	void rejectsIatInTheFutureBeyondTheSkew() {
		String iat = Long.toString(this.now.plusSeconds(120).getEpochSecond());
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("iat", iat)), KEYS.getPrivate()),
				Reason.ISSUED_IN_FUTURE);
	}

	@Test
	void rejectsTokenOfAnUnknownIssuer() {
		assertRejected(
				TestTokens.signedRaw(header(), claims(Map.of("iss", "\"http://evil.example\"")), KEYS.getPrivate()),
				Reason.UNKNOWN_ISSUER);
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("iss", "\"" + ISSUER + "/\"")), KEYS.getPrivate()),
				Reason.UNKNOWN_ISSUER);
	}

	@Test
	void rejectsTokenForAnotherAudience() {
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("aud", "\"other-api\"")), KEYS.getPrivate()),
				Reason.INVALID_AUDIENCE);
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("aud", "[\"a\",\"b\"]")), KEYS.getPrivate()),
				Reason.INVALID_AUDIENCE);
		Map<String, String> noAud = new java.util.HashMap<>();
		noAud.put("aud", null);
		assertRejected(TestTokens.signedRaw(header(), claims(noAud), KEYS.getPrivate()), Reason.INVALID_AUDIENCE);
	}

	@Test
	void rejectsExpiredTokenBeyondTheSkewAndSaysExpired() {
		String token = TestTokens.accessToken(KEYS, this.now).compact();
		this.clock.advance(Duration.ofMinutes(15).plusSeconds(29));
		assertThat(verify(token)).isNotNull();
		this.clock.advance(Duration.ofSeconds(2));
		assertThatThrownBy(() -> verify(token)).isInstanceOfSatisfying(TokenRejectedException.class, ex -> {
			assertThat(ex.getReason()).isEqualTo(Reason.EXPIRED);
			assertThat(ex.getDescription()).contains("expired");
		});
	}

	@Test
	void rejectsSignatureTakenFromAnotherToken() {
		String mine = TestTokens.accessToken(KEYS, this.now).subject("alice").compact();
		String other = TestTokens.accessToken(KEYS, this.now).subject("bob").claim("roles", List.of("admin")).compact();
		String forged = other.substring(0, other.lastIndexOf('.')) + mine.substring(mine.lastIndexOf('.'));
		assertRejected(forged, Reason.BAD_SIGNATURE);
	}

	@Test
	void rejectsTokenSignedByAnotherKeyUnderOurKid() {
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of()), ATTACKER.getPrivate()), Reason.BAD_SIGNATURE);
	}

	@Test
	void rejectsEmptySignature() {
		String token = TestTokens.accessToken(KEYS, this.now).compact();
		assertRejected(token.substring(0, token.lastIndexOf('.') + 1), Reason.MALFORMED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "onlyone", "two.segments", "a.b.c.d", "a.b.c.d.e", "..", "a..c", ".b.c" })
	void rejectsWrongSegmentCount(String token) {
		assertRejected(token, Reason.MALFORMED);
	}

	@Test
	void rejectsPayloadThatIsNotJson() {
		assertRejected(TestTokens.b64(header()) + "." + TestTokens.b64("not json") + ".c2ln", Reason.MALFORMED);
		assertRejected(TestTokens.b64(header()) + "." + TestTokens.b64("[1,2]") + ".c2ln", Reason.MALFORMED);
	}

	@Test
	void rejectsDuplicateClaimMembers() {
		String payload = claims(Map.of()).replaceFirst("\\{", "{\"iss\":\"http://evil.example\",");
		assertRejected(TestTokens.signedRaw(header(), payload, KEYS.getPrivate()), Reason.MALFORMED);
	}

	@Test
	void rejectsTokenWithoutTheRequiredTyp() {
		String noTyp = "{\"alg\":\"RS256\",\"kid\":\"" + KID + "\"}";
		assertRejected(TestTokens.signedRaw(noTyp, claims(Map.of()), KEYS.getPrivate()), Reason.INVALID_TYPE);
		String jwtTyp = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + KID + "\"}";
		assertRejected(TestTokens.signedRaw(jwtTyp, claims(Map.of()), KEYS.getPrivate()), Reason.INVALID_TYPE);
		String mediaType = "{\"alg\":\"RS256\",\"typ\":\"application/AT+JWT\",\"kid\":\"" + KID + "\"}";
		assertThat(verify(TestTokens.signedRaw(mediaType, claims(Map.of()), KEYS.getPrivate()))).isNotNull();
	}

	@Test
	void rejectsAlgorithmNotOnTheIssuersAllowList() {
		String token = Jwts.builder()
			.header()
			.keyId(KID)
			.type("at+jwt")
			.and()
			.issuer(ISSUER)
			.subject("alice")
			.audience()
			.add(AUDIENCE)
			.and()
			.expiration(Date.from(this.now.plusSeconds(60)))
			.signWith(KEYS.getPrivate(), Jwts.SIG.PS256)
			.compact();
		assertRejected(token, Reason.ALGORITHM_NOT_ALLOWED);
	}

	@Test
	void rejectsRolesThatWouldCorruptTheRolesHeader() {
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("roles", "[\"user,admin\"]")), KEYS.getPrivate()),
				Reason.INVALID_CLAIM);
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("roles", "\"admin\"")), KEYS.getPrivate()),
				Reason.INVALID_CLAIM);
	}

	@Test
	void rejectsSubjectWithControlCharacters() {
		assertRejected(TestTokens.signedRaw(header(), claims(Map.of("sub", "\"alice\\r\\nX-Auth-Roles: admin\"")),
				KEYS.getPrivate()), Reason.INVALID_CLAIM);
	}

	@Test
	void rejectsOverlongToken() {
		assertRejected("a".repeat(9000) + ".b.c", Reason.MALFORMED);
	}

	@Test
	void neverPutsTokenContentIntoTheDescription() {
		String token = TestTokens.signedRaw(header(), claims(Map.of("aud", "\"secret-audience-value\"")),
				KEYS.getPrivate());
		assertThatThrownBy(() -> verify(token)).isInstanceOfSatisfying(TokenRejectedException.class,
				ex -> assertThat(ex.getDescription()).doesNotContain("secret-audience-value").doesNotContain(token));
	}

	@Test
	void acceptsEs256WhenTheIssuerAllowsIt() {
		KeyPair ec = TestTokens.ec();
		IssuerVerifier issuer = new IssuerVerifier("http://ec.test", List.of(AUDIENCE), List.of("ES256"), null,
				(kid, alg) -> ec.getPublic());
		JwtTokenVerifier ecVerifier = new JwtTokenVerifier(Map.of("http://ec.test", issuer), this.clock,
				Duration.ofSeconds(30), Duration.ofHours(24));
		String token = Jwts.builder()
			.issuer("http://ec.test")
			.subject("svc")
			.audience()
			.add(AUDIENCE)
			.and()
			.expiration(Date.from(this.now.plusSeconds(60)))
			.signWith(ec.getPrivate(), Jwts.SIG.ES256)
			.compact();
		assertThat(ecVerifier.verify(token).block().subject()).isEqualTo("svc");
		// the same issuer refuses RS256 even with a valid RSA signature
		String rsa = Jwts.builder()
			.issuer("http://ec.test")
			.subject("svc")
			.audience()
			.add(AUDIENCE)
			.and()
			.expiration(Date.from(this.now.plusSeconds(60)))
			.signWith(KEYS.getPrivate(), Jwts.SIG.RS256)
			.compact();
		assertThatThrownBy(() -> ecVerifier.verify(rsa).block()).isInstanceOfSatisfying(TokenRejectedException.class,
				ex -> assertThat(ex.getReason()).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED));
	}

	@Test
	void acceptsHs256FromAnHmacIssuerButNotWithAnotherSecret() {
		byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		IssuerVerifier issuer = new IssuerVerifier("http://hmac.test", List.of(AUDIENCE), List.of("HS256"), null,
				new StaticKeySource(io.jsonwebtoken.security.Keys.hmacShaKeyFor(secret)));
		JwtTokenVerifier hmacVerifier = new JwtTokenVerifier(Map.of("http://hmac.test", issuer), this.clock,
				Duration.ofSeconds(30), Duration.ofHours(24));
		String payload = "{\"iss\":\"http://hmac.test\",\"sub\":\"svc\",\"aud\":\"gatehouse\",\"exp\":"
				+ this.now.plusSeconds(60).getEpochSecond() + "}";
		String input = TestTokens.b64("{\"alg\":\"HS256\"}") + "." + TestTokens.b64(payload);
		assertThat(hmacVerifier.verify(input + "." + TestTokens.hs256(input, secret)).block().subject())
			.isEqualTo("svc");
		byte[] other = "fedcba9876543210fedcba9876543210".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		assertThatThrownBy(() -> hmacVerifier.verify(input + "." + TestTokens.hs256(input, other)).block())
			.isInstanceOfSatisfying(TokenRejectedException.class,
					ex -> assertThat(ex.getReason()).isEqualTo(Reason.BAD_SIGNATURE));
	}

}
