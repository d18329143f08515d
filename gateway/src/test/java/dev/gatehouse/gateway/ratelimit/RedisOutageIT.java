package dev.gatehouse.gateway.ratelimit;

import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.gatehouse.gateway.support.GatewayInstance;
import dev.gatehouse.gateway.support.TestRedis;
import dev.gatehouse.gateway.support.TestTokens;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis dies under two gateways (one {@code on-store-failure: allow}, one {@code deny})
 * and comes back: the configured policy applies with bounded latency, known revocations
 * keep being enforced, and after the restart limits and revocations work again without
 * restarting anything. Uses an embedded Redis of its own, which it stops and starts.
 */
class RedisOutageIT {

	private static final KeyPair KEYS = TestTokens.rsa();

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	private static final WireMockServer issuer = new WireMockServer(options().dynamicPort());

	private static TestRedis redis;

	@org.junit.jupiter.api.io.TempDir
	static java.nio.file.Path redisData;

	private static GatewayInstance allowing;

	private static GatewayInstance denying;

	@BeforeAll
	static void start() {
		backend.start();
		backend.stubFor(get(anyUrl()).willReturn(ok("from backend")));
		issuer.start();
		issuer.stubFor(
				get("/.well-known/jwks.json").willReturn(okJson(TestTokens.jwks((RSAPublicKey) KEYS.getPublic()))));
		redis = TestRedis.embedded(redisData);
		allowing = GatewayInstance.start("cluster", properties("allow"));
		denying = GatewayInstance.start("cluster", properties("deny"));
	}

	private static Map<String, String> properties(String onStoreFailure) {
		// a list given on the command line replaces the profile's list whole: the issuer
		// is given in full
		return Map.ofEntries(Map.entry("gatehouse.test.backend-url", backend.baseUrl()),
				Map.entry("gatehouse.test.issuer", TestTokens.ISSUER),
				Map.entry("gatehouse.gateway.issuers[0].issuer", TestTokens.ISSUER),
				Map.entry("gatehouse.gateway.issuers[0].audiences[0]", TestTokens.AUDIENCE),
				Map.entry("gatehouse.gateway.issuers[0].require-typ", "at+jwt"),
				Map.entry("gatehouse.gateway.issuers[0].jwks-uri", issuer.baseUrl() + "/.well-known/jwks.json"),
				Map.entry("gatehouse.gateway.rate-limit.on-store-failure", onStoreFailure),
				Map.entry("spring.data.redis.host", "127.0.0.1"),
				Map.entry("spring.data.redis.port", Integer.toString(redis.port())),
				// the production bound, which this test proves
				Map.entry("spring.data.redis.timeout", "250ms"),
				Map.entry("gatehouse.gateway.revocation.resync-interval", "1h"));
	}

	@AfterAll
	static void stop() {
		if (allowing != null) {
			allowing.close();
		}
		if (denying != null) {
			denying.close();
		}
		redis.stop();
		backend.stop();
		issuer.stop();
	}

	@Test
	void redisStoppedGivesTheConfiguredPolicyQuicklyAndRedisRestartedBringsEverythingBack() throws Exception {
		String alice = token("alice");
		String revoked = token("mallory");
		assertThat(allowing.get("/shared/1", alice).statusCode()).isEqualTo(200);
		// precondition: the limiter answers (its first call also loads the script and may
		// exceed the 250 ms bound)
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(denying.get("/shared/2", alice).statusCode()).isEqualTo(200));
		revokeInRedis(revoked, true);
		await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
			assertThat(allowing.get("/api/x", revoked).statusCode()).isEqualTo(401);
			assertThat(denying.get("/api/x", revoked).statusCode()).isEqualTo(401);
		});

		redis.stop();
		for (int i = 0; i < 5; i++) {
			long started = System.nanoTime();
			HttpResponse<String> admitted = allowing.get("/shared/down-" + i, alice);
			long allowMillis = (System.nanoTime() - started) / 1_000_000;
			started = System.nanoTime();
			HttpResponse<String> refused = denying.get("/shared/down-" + i, alice);
			long denyMillis = (System.nanoTime() - started) / 1_000_000;
			assertThat(admitted.statusCode()).isEqualTo(200);
			assertThat(refused.statusCode()).isEqualTo(503);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(allowMillis).as("latency with Redis dead (allow)").isLessThan(1000);
			assertThat(denyMillis).as("latency with Redis dead (deny)").isLessThan(1000);
		}
		// what the gateways knew before the outage is still enforced
		assertThat(allowing.get("/api/x", revoked).statusCode()).isEqualTo(401);
		assertThat(allowing.bean(MeterRegistry.class).counter("gatehouse.gateway.ratelimit.store.failures").count())
			.isGreaterThanOrEqualTo(5);
		assertThat(denying.bean(MeterRegistry.class).counter("gatehouse.gateway.ratelimit.store.failures").count())
			.isGreaterThanOrEqualTo(5);

		redis.start();
		// limits are shared again: the deny instance admits, and the budget of 5 per
		// minute counts again
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(denying.get("/shared/up", alice).statusCode()).isEqualTo(200));
		// the allow instance admits everything while its own connection is still coming
		// back; once back, the shared
		// budget of 5 per minute is exhausted again (only Redis can answer 429 here)
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(allowing.get("/shared/again", alice).statusCode()).isEqualTo(429));
		// a revocation whose message this gateway never heard (only the key was written)
		// is picked up when its
		// connection is re-established (Redis keeps its data in an append-only file, as
		// deployed)
		String missed = token("trudy");
		assertThat(allowing.get("/api/x", missed).statusCode()).isEqualTo(200);
		revokeInRedis(missed, false);
		assertThat(allowing.get("/api/x", missed).statusCode()).as("no message, no periodic resync yet").isEqualTo(200);
		redis.stop();
		redis.start();
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(allowing.get("/api/x", missed).statusCode()).isEqualTo(401));
	}

	private static String token(String subject) {
		return TestTokens.accessToken(KEYS, Instant.now())
			.subject(subject)
			.id(UUID.randomUUID().toString())
			.claim("sid", UUID.randomUUID().toString())
			.compact();
	}

	private static String jti(String token) {
		String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
				java.nio.charset.StandardCharsets.UTF_8);
		return payload.replaceAll(".*\"jti\":\"([^\"]+)\".*", "$1");
	}

	/**
	 * Writes a jti revocation the way the auth-service does: a key with a TTL, and a
	 * message unless {@code quietly}.
	 */
	private static void revokeInRedis(String token, boolean announce) {
		String jti = jti(token);
		long exp = Instant.now().plusSeconds(900).getEpochSecond();
		LettuceConnectionFactory connections = new LettuceConnectionFactory("127.0.0.1", redis.port());
		connections.afterPropertiesSet();
		connections.start();
		try {
			StringRedisTemplate template = new StringRedisTemplate(connections);
			template.opsForValue().set("gatehouse:revoked:jti:" + jti, Long.toString(exp), Duration.ofSeconds(900));
			if (announce) {
				template.convertAndSend("gatehouse:revocations", "jti " + jti + " " + exp);
			}
		}
		finally {
			connections.destroy();
		}
	}

}
