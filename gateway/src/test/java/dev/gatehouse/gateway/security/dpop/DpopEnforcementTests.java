package dev.gatehouse.gateway.security.dpop;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import dev.gatehouse.gateway.redis.RedisConnectionReadiness;
import dev.gatehouse.gateway.security.TestClaims;
import dev.gatehouse.gateway.security.VerifiedToken;
import dev.gatehouse.gateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The request-level DPoP rules: the token's binding, one proof header, the request's own
 * URL, single use of each proof, no bound token as a bearer token, no bearer token on a
 * sender-constrained route.
 */
class DpopEnforcementTests {

	private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

	private static final String TOKEN = "the.access.token";

	private static final DpopProofs CLIENT = DpopProofs.client("ES256");

	private final MutableClock clock = new MutableClock(NOW);

	private final DpopEnforcement dpop = DpopEnforcement.of(properties(null, false), this.clock, null,
			Duration.ofMillis(250));

	private static DpopProperties properties(URI publicBaseUrl, boolean nonces) {
		return new DpopProperties(true, List.of("ES256", "EdDSA", "RS256"), Duration.ofSeconds(60),
				Duration.ofSeconds(5), publicBaseUrl, new DpopProperties.ReplayCache(1000),
				new DpopProperties.Nonce(nonces, null, Duration.ofMinutes(5)));
	}

	private static VerifiedToken boundTo(String thumbprint) {
		return TestClaims.token("{\"cnf\":{\"jkt\":\"" + thumbprint + "\"}}");
	}

	private static MockServerHttpRequest request(String... proofs) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("http://gw.test:8080/api/items?x=1")
			.header(HttpHeaders.AUTHORIZATION, "DPoP " + TOKEN);
		for (String proof : proofs) {
			request.header("DPoP", proof);
		}
		return request.build();
	}

	private String proof() {
		return CLIENT.proof("GET", "http://gw.test:8080/api/items", TOKEN, NOW);
	}

	@Test
	void aValidProofForTheBoundKeyPasses() {
		StepVerifier.create(this.dpop.checkProof(request(proof()), TOKEN, boundTo(CLIENT.thumbprint())))
			.verifyComplete();
	}

	@Test
	void aReplayedProofIsRefused() {
		String proof = proof();
		VerifiedToken token = boundTo(CLIENT.thumbprint());
		StepVerifier.create(this.dpop.checkProof(request(proof), TOKEN, token)).verifyComplete();
		StepVerifier.create(this.dpop.checkProof(request(proof), TOKEN, token))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(InvalidDpopProofException.class,
					(refusal) -> assertThat(refusal.getReason()).isEqualTo(InvalidDpopProofException.Reason.REPLAYED)))
			.verify();
	}

	@Test
	void aTokenBoundToAnotherKeyIsRefusedEvenWithAValidProof() {
		VerifiedToken token = boundTo(DpopProofs.client("ES256").thumbprint());
		assertThatExceptionOfType(InvalidDpopProofException.class)
			.isThrownBy(() -> this.dpop.checkProof(request(proof()), TOKEN, token).block())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(InvalidDpopProofException.Reason.KEY_MISMATCH));
	}

	@Test
	void twoDpopHeadersAreRefused() {
		assertThatExceptionOfType(InvalidDpopProofException.class)
			.isThrownBy(
					() -> this.dpop.checkProof(request(proof(), proof()), TOKEN, boundTo(CLIENT.thumbprint())).block())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(InvalidDpopProofException.Reason.MULTIPLE));
	}

	@Test
	void aDpopTokenWithoutProofIsRefused() {
		assertThatExceptionOfType(InvalidDpopProofException.class)
			.isThrownBy(() -> this.dpop.checkProof(request(), TOKEN, boundTo(CLIENT.thumbprint())).block())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(InvalidDpopProofException.Reason.MISSING));
	}

	@Test
	void anUnboundTokenSentWithTheDpopSchemeIsRefused() {
		assertThatExceptionOfType(DpopRequiredException.class)
			.isThrownBy(() -> this.dpop.checkProof(request(proof()), TOKEN, TestClaims.token("{}")).block())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(DpopRequiredException.Reason.TOKEN_NOT_BOUND));
	}

	@Test
	void aDpopBoundTokenSentAsBearerIsRefused() {
		assertThatExceptionOfType(DpopRequiredException.class)
			.isThrownBy(() -> this.dpop.checkBearer(boundTo(CLIENT.thumbprint()), false))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(DpopRequiredException.Reason.BOUND_TOKEN_AS_BEARER);
				assertThat(ex.getStatusCode().value()).isEqualTo(401);
				assertThat(ex.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))
					.startsWith("DPoP error=\"invalid_token\"")
					.endsWith("algs=\"ES256 EdDSA RS256\"");
				assertThat(ex.refusalReason()).isEqualTo("dpop_bound_token_as_bearer");
			});
	}

	@Test
	void aTokenWithAnyConfirmationClaimIsNotABearerToken() {
		assertThatExceptionOfType(DpopRequiredException.class)
			.isThrownBy(() -> this.dpop.checkBearer(TestClaims.token("{\"cnf\":{\"x5t#S256\":\"abc\"}}"), false));
	}

	@Test
	void aBearerTokenOnASenderConstrainedRouteIsRefused() {
		this.dpop.checkBearer(TestClaims.token("{}"), false);
		assertThatExceptionOfType(DpopRequiredException.class)
			.isThrownBy(() -> this.dpop.checkBearer(TestClaims.token("{}"), true))
			.satisfies((ex) -> assertThat(ex.getReason())
				.isEqualTo(DpopRequiredException.Reason.SENDER_CONSTRAINED_ROUTE));
	}

	@Test
	void theProofMustNameThePublicBaseUrlWhenOneIsConfigured() {
		DpopEnforcement behindBalancer = DpopEnforcement.of(properties(URI.create("https://API.example.com"), false),
				this.clock, null, Duration.ofMillis(250));
		VerifiedToken token = boundTo(CLIENT.thumbprint());
		String forPublicUrl = CLIENT.proof("GET", "https://api.example.com/api/items", TOKEN, NOW);
		StepVerifier.create(behindBalancer.checkProof(request(forPublicUrl), TOKEN, token)).verifyComplete();
		assertThatExceptionOfType(InvalidDpopProofException.class)
			.isThrownBy(() -> behindBalancer.checkProof(request(proof()), TOKEN, token).block())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(InvalidDpopProofException.Reason.URL));
	}

	@Test
	void theDpopSchemeIsReadCaseInsensitivelyAndNotWhenDisabled() {
		assertThat(this.dpop.extractToken(request())).isEqualTo(TOKEN);
		MockServerHttpRequest lower = MockServerHttpRequest.get("http://gw.test/")
			.header(HttpHeaders.AUTHORIZATION, "dpop " + TOKEN)
			.build();
		assertThat(this.dpop.extractToken(lower)).isEqualTo(TOKEN);
		MockServerHttpRequest bearer = MockServerHttpRequest.get("http://gw.test/")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
			.build();
		assertThat(this.dpop.extractToken(bearer)).isNull();
		assertThat(DpopEnforcement.disabled().extractToken(request())).isNull();
		MockServerHttpRequest malformed = MockServerHttpRequest.get("http://gw.test/")
			.header(HttpHeaders.AUTHORIZATION, "DPoP not a token")
			.build();
		assertThatExceptionOfType(dev.gatehouse.gateway.security.TokenRejectedException.class)
			.isThrownBy(() -> this.dpop.extractToken(malformed));
	}

	@Test
	void aRememberedProofIdentifierIsForgottenAfterMaxAgeAndSkew() {
		DpopReplayCache cache = new DpopReplayCache(100, Duration.ofSeconds(65), this.clock, null,
				Duration.ofMillis(250));
		byte[] thumbprint = new byte[32];
		assertThat(cache.firstUse(thumbprint, "jti-1").block()).isTrue();
		assertThat(cache.firstUse(thumbprint, "jti-1").block()).isFalse();
		assertThat(cache.firstUse(new byte[] { 1 }, "jti-1").block()).as("another key's jti").isTrue();
		this.clock.advance(Duration.ofSeconds(64));
		assertThat(cache.firstUse(thumbprint, "jti-1").block()).isFalse();
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(cache.firstUse(thumbprint, "jti-1").block()).isTrue();
	}

	@Test
	void theReplayCacheFailsClosedWhileRedisIsNotConnected() {
		RedisConnectionReadiness notConnected = new RedisConnectionReadiness(
				new LettuceConnectionFactory("127.0.0.1", 1));
		DpopReplayCache cache = new DpopReplayCache(100, Duration.ofSeconds(65), this.clock, notConnected,
				Duration.ofMillis(250));
		StepVerifier.create(cache.firstUse(new byte[32], "jti-1"))
			.expectErrorSatisfies((ex) -> assertThat(ex)
				.isInstanceOfSatisfying(DpopReplayCheckUnavailableException.class, (refusal) -> {
					assertThat(refusal.getStatusCode().value()).isEqualTo(503);
					assertThat(refusal.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
				}))
			.verify();
	}

}
