package dev.gatehouse.gateway.security;

import java.net.URI;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;

import dev.gatehouse.gateway.support.MutableClock;
import dev.gatehouse.gateway.support.TestTokens;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * JWKS caching, rotation, cooldown and outage behaviour against a WireMock issuer.
 */
class JwksKeySourceTests {

	private static final String PATH = "/.well-known/jwks.json";

	private static final KeyPair FIRST = TestTokens.rsa();

	private static final KeyPair SECOND = TestTokens.rsa();

	private static final String FIRST_KID = TestTokens.thumbprint((RSAPublicKey) FIRST.getPublic());

	private static final String SECOND_KID = TestTokens.thumbprint((RSAPublicKey) SECOND.getPublic());

	private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));

	private WireMockServer issuer;

	private JwksKeySource source;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@BeforeEach
	void setUp() {
		this.issuer = new WireMockServer(options().dynamicPort());
		this.issuer.start();
		this.source = new JwksKeySource("http://issuer.test", URI.create(this.issuer.baseUrl() + PATH),
				Duration.ofMinutes(5), Duration.ofSeconds(10), WebClient.create(), this.clock, this.meters);
	}

	@AfterEach
	void tearDown() {
		this.issuer.stop();
	}

	private void publish(RSAPublicKey... keys) {
		this.issuer.stubFor(get(PATH).willReturn(okJson(TestTokens.jwks(keys))));
	}

	private int fetches() {
		return this.issuer.countRequestsMatching(getRequestedFor(urlEqualTo(PATH)).build()).getCount();
	}

	@Test
	void fetchesTheJwksOnceAndServesKeysFromMemory() {
		publish((RSAPublicKey) FIRST.getPublic());
		this.source.prepare(FIRST_KID, "RS256").block(Duration.ofSeconds(5));
		this.source.prepare(FIRST_KID, "RS256").block(Duration.ofSeconds(5));
		assertThat(this.source.find(FIRST_KID, "RS256")).isEqualTo(FIRST.getPublic());
		assertThat(fetches()).isEqualTo(1);
	}

	@Test
	void refetchesOnceWhenATokenNamesAnUnknownKidAfterKeyRotation() {
		publish((RSAPublicKey) FIRST.getPublic());
		this.source.prepare(FIRST_KID, "RS256").block(Duration.ofSeconds(5));
		this.clock.advance(Duration.ofSeconds(11));
		publish((RSAPublicKey) FIRST.getPublic(), (RSAPublicKey) SECOND.getPublic());
		this.source.prepare(SECOND_KID, "RS256").block(Duration.ofSeconds(5));
		assertThat(this.source.find(SECOND_KID, "RS256")).isEqualTo(SECOND.getPublic());
		assertThat(fetches()).isEqualTo(2);
	}

	@Test
	void unknownKidsWithinTheCooldownDoNotRefetch() {
		publish((RSAPublicKey) FIRST.getPublic());
		this.source.prepare(FIRST_KID, "RS256").block(Duration.ofSeconds(5));
		for (int i = 0; i < 20; i++) {
			this.source.prepare("unknown-" + i, "RS256").block(Duration.ofSeconds(5));
		}
		assertThat(this.source.find("unknown-1", "RS256")).isNull();
		assertThat(fetches()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(10));
		this.source.prepare("unknown-x", "RS256").block(Duration.ofSeconds(5));
		assertThat(fetches()).isEqualTo(2);
	}

	@Test
	void concurrentRequestsShareOneFetch() {
		this.issuer.stubFor(
				get(PATH).willReturn(okJson(TestTokens.jwks((RSAPublicKey) FIRST.getPublic())).withFixedDelay(300)));
		Flux.range(0, 25)
			.flatMap(i -> this.source.prepare(FIRST_KID, "RS256").then(Mono.just(i)))
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(this.source.find(FIRST_KID, "RS256")).isNotNull();
		assertThat(fetches()).isEqualTo(1);
	}

	@Test
	void keepsTheLastGoodKeysWhileTheIssuerIsDown() {
		publish((RSAPublicKey) FIRST.getPublic());
		this.source.prepare(FIRST_KID, "RS256").block(Duration.ofSeconds(5));
		this.issuer.stubFor(get(PATH).willReturn(aResponse().withStatus(503)));
		this.clock.advance(Duration.ofMinutes(6));
		// stale: triggers a background refresh, which fails
		this.source.prepare(FIRST_KID, "RS256").block(Duration.ofSeconds(5));
		// wait until the failed background fetch is fully processed, not just sent
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.meters
				.counter("gatehouse.jwks.fetch", "issuer", "http://issuer.test", "outcome", "failure")
				.count() == 1);
		assertThat(fetches()).isEqualTo(2);
		this.clock.advance(Duration.ofSeconds(11));
		this.source.prepare(SECOND_KID, "RS256").block(Duration.ofSeconds(5));
		assertThat(fetches()).isEqualTo(3);
		assertThat(this.source.find(FIRST_KID, "RS256")).isEqualTo(FIRST.getPublic());
	}

	@Test
	void refreshesInTheBackgroundOnceTheTtlPassed() {
		publish((RSAPublicKey) FIRST.getPublic());
		this.source.prepare(FIRST_KID, "RS256").block(Duration.ofSeconds(5));
		publish((RSAPublicKey) SECOND.getPublic());
		this.clock.advance(Duration.ofMinutes(5));
		this.source.prepare(FIRST_KID, "RS256").block(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.source.find(SECOND_KID, "RS256") != null);
		// the rotated-out key is gone once the issuer stopped publishing it
		assertThat(this.source.find(FIRST_KID, "RS256")).isNull();
	}

	@Test
	void failsAsUnavailableWhenNoKeysWereEverLoaded() {
		this.issuer.stubFor(get(PATH).willReturn(aResponse().withStatus(500)));
		assertThatThrownBy(() -> this.source.prepare(FIRST_KID, "RS256").block(Duration.ofSeconds(5)))
			.isInstanceOf(KeysUnavailableException.class);
	}

	@Test
	void neverTakesSymmetricKeysOrEncryptionKeysFromTheJwks() {
		String jwks = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"hmac\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI\"},"
				+ TestTokens.jwks((RSAPublicKey) FIRST.getPublic())
					.replace("{\"keys\":[", "")
					.replace("]}", "")
					.replace("\"use\":\"sig\"", "\"use\":\"enc\"")
				+ "]}";
		this.issuer.stubFor(get(PATH).willReturn(okJson(jwks)));
		this.source.prepare("hmac", "HS256").block(Duration.ofSeconds(5));
		assertThat(this.source.find("hmac", "HS256")).isNull();
		assertThat(this.source.find(FIRST_KID, "RS256")).isNull();
	}

	@Test
	void refusesAKeyForAnAlgorithmOtherThanItsJwkAlg() {
		publish((RSAPublicKey) FIRST.getPublic());
		this.source.prepare(FIRST_KID, "RS256").block(Duration.ofSeconds(5));
		assertThat(this.source.find(FIRST_KID, "PS256")).isNull();
	}

}
