package dev.gatehouse.gateway.security.dpop;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatehouse.gateway.support.AuthServiceProcess;
import dev.gatehouse.gateway.support.GatewayInstance;
import dev.gatehouse.gateway.support.TestRedis;
import dev.gatehouse.gateway.support.TestTokens;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real gateways behind one public URL ({@code application-dpop.yml}), sharing a real
 * {@code redis-server}, in front of one backend: a DPoP-bound token works with its proof,
 * a proof used at one instance is refused at the other, a bound token cannot be used as a
 * bearer token, a sender-constrained route refuses bearer tokens, and a proof that cannot
 * be checked for replay (Redis down) is refused with 503.
 */
class DpopIT {

	private static final String PUBLIC_URL = "https://api.example.test";

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	private static final KeyPair ISSUER_KEYS = TestTokens.rsa();

	private static final DpopProofs CLIENT = DpopProofs.client("ES256");

	@TempDir
	static Path dir;

	private static TestRedis redis;

	private static AuthServiceProcess auth;

	private static GatewayInstance first;

	private static GatewayInstance second;

	@BeforeAll
	static void start() throws Exception {
		backend.start();
		backend.stubFor(get(anyUrl()).willReturn(ok("from backend")));
		redis = TestRedis.embedded();
		auth = AuthServiceProcess.start(dir.resolve("auth"), redis.port());
		Path pem = dir.resolve("issuer.pem");
		Files.writeString(pem,
				"-----BEGIN PUBLIC KEY-----\n"
						+ Base64.getMimeEncoder().encodeToString(ISSUER_KEYS.getPublic().getEncoded())
						+ "\n-----END PUBLIC KEY-----\n");
		Map<String, String> properties = Map.of("gatehouse.test.backend-url", backend.baseUrl(),
				"gatehouse.test.issuer", auth.baseUrl(), "gatehouse.test.public-key-file", pem.toString(),
				"spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", Integer.toString(redis.port()));
		first = GatewayInstance.start("dpop", properties);
		second = GatewayInstance.start("dpop", properties);
	}

	@AfterAll
	static void stop() {
		if (first != null) {
			first.close();
		}
		if (second != null) {
			second.close();
		}
		if (auth != null) {
			auth.close();
		}
		if (redis != null) {
			redis.stop();
		}
		backend.stop();
	}

	@BeforeEach
	void resetBackend() {
		backend.resetRequests();
	}

	private static String boundToken(String thumbprint) {
		return TestTokens.accessToken(ISSUER_KEYS, Instant.now()).claim("cnf", Map.of("jkt", thumbprint)).compact();
	}

	private static HttpResponse<String> call(GatewayInstance gateway, String path, String authorization, String proof)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", authorization);
		if (proof != null) {
			request.header("DPoP", proof);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void aBoundTokenWithAProofForThePublicUrlReachesTheBackend() throws Exception {
		String token = boundToken(CLIENT.thumbprint());
		HttpResponse<String> response = call(first, "/bound/items?page=1", "DPoP " + token,
				CLIENT.proof("GET", PUBLIC_URL + "/bound/items", token, Instant.now()));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("from backend");
		// the next request needs a new proof, and gets through with one
		HttpResponse<String> next = call(second, "/api/items", "DPoP " + token,
				CLIENT.proof("GET", PUBLIC_URL + "/api/items", token, Instant.now()));
		assertThat(next.statusCode()).isEqualTo(200);
		assertThat(backend.findAll(getRequestedFor(urlPathEqualTo("/bound/items")))).hasSize(1);
	}

	@Test
	void aTokenTheRealAuthServiceBoundToTheBrowsersKeyWorksOnlyWithThatKey() throws Exception {
		DpopProofs browser = DpopProofs.client("ES256");
		String tokenUrl = auth.baseUrl() + "/token";
		HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("DPoP", browser.proof("POST", tokenUrl, null, Instant.now()))
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=root&password=root-password"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
		assertThat(login.body()).contains("\"token_type\":\"DPoP\"");
		String token = login.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
		HttpResponse<String> response = call(first, "/bound/me", "DPoP " + token,
				browser.proof("GET", PUBLIC_URL + "/bound/me", token, Instant.now()));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(call(second, "/bound/me", "Bearer " + token, null).statusCode()).isEqualTo(401);
		DpopProofs thief = DpopProofs.client("ES256");
		assertThat(call(second, "/bound/me", "DPoP " + token,
				thief.proof("GET", PUBLIC_URL + "/bound/me", token, Instant.now()))
			.statusCode()).isEqualTo(401);
		assertThat(backend.findAll(getRequestedFor(urlPathEqualTo("/bound/me")))).hasSize(1);
	}

	@Test
	void aProofUsedAtOneInstanceIsRefusedAtTheOther() throws Exception {
		String token = boundToken(CLIENT.thumbprint());
		String proof = CLIENT.proof("GET", PUBLIC_URL + "/api/replayed", token, Instant.now());
		assertThat(call(first, "/api/replayed", "DPoP " + token, proof).statusCode()).isEqualTo(200);
		HttpResponse<String> replayed = call(second, "/api/replayed", "DPoP " + token, proof);
		assertThat(replayed.statusCode()).isEqualTo(401);
		assertThat(replayed.headers().firstValue("WWW-Authenticate").orElseThrow())
			.startsWith("DPoP error=\"invalid_dpop_proof\", error_description=\"DPoP proof replayed\"")
			.contains("algs=\"");
		assertThat(replayed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(replayed.body()).contains("urn:gatehouse:problem:invalid-dpop-proof").doesNotContain(token);
		assertThat(call(first, "/api/replayed", "DPoP " + token, proof).statusCode()).isEqualTo(401);
		assertThat(backend.findAll(getRequestedFor(urlPathEqualTo("/api/replayed")))).hasSize(1);
	}

	@Test
	void aStolenBoundTokenIsUselessWithoutTheKey() throws Exception {
		String token = boundToken(CLIENT.thumbprint());
		HttpResponse<String> asBearer = call(first, "/api/items", "Bearer " + token, null);
		assertThat(asBearer.statusCode()).isEqualTo(401);
		assertThat(asBearer.headers().firstValue("WWW-Authenticate").orElseThrow())
			.startsWith("DPoP error=\"invalid_token\"");
		DpopProofs thief = DpopProofs.client("ES256");
		HttpResponse<String> otherKey = call(first, "/api/items", "DPoP " + token,
				thief.proof("GET", PUBLIC_URL + "/api/items", token, Instant.now()));
		assertThat(otherKey.statusCode()).isEqualTo(401);
		assertThat(otherKey.body()).contains("cnf.jkt");
		assertThat(backend.findAll(getRequestedFor(anyUrl()))).isEmpty();
	}

	@Test
	void aSenderConstrainedRouteRefusesABearerTokenThatOtherRoutesAccept() throws Exception {
		String bearer = TestTokens.accessToken(ISSUER_KEYS, Instant.now()).compact();
		assertThat(call(first, "/api/items", "Bearer " + bearer, null).statusCode()).isEqualTo(200);
		HttpResponse<String> refused = call(first, "/bound/items", "Bearer " + bearer, null);
		assertThat(refused.statusCode()).isEqualTo(401);
		assertThat(refused.body()).contains("urn:gatehouse:problem:dpop-required");
	}

	@Test
	void explainShowsTheRouteIsSenderConstrainedAndWhyABoundBearerTokenIsRefusedWithoutSpendingAProof()
			throws Exception {
		String token = boundToken(CLIENT.thumbprint());
		HttpResponse<String> asBearer = http.send(HttpRequest
			.newBuilder(URI.create(first.managementUrl() + "/actuator/gatehouse/explain?method=GET&path=/bound/x"))
			.header("Authorization", "Bearer " + token)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(asBearer.statusCode()).isEqualTo(200);
		assertThat(asBearer.body())
			.contains("\"decision\":\"deny\"", "\"status\":401", "\"senderConstrained\":true",
					"a DPoP-bound token must be sent with the DPoP scheme")
			.doesNotContain(token);
		HttpResponse<String> withDpop = http.send(HttpRequest
			.newBuilder(URI.create(first.managementUrl() + "/actuator/gatehouse/explain?method=GET&path=/bound/x"))
			.header("Authorization", "DPoP " + token)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(withDpop.body()).contains("\"decision\":\"allow\"", "checked on each request");
	}

	@Test
	void whileRedisIsDownAProofCannotBeCheckedForReplayAndIsRefusedWith503() throws Exception {
		String token = boundToken(CLIENT.thumbprint());
		redis.stop();
		try {
			HttpResponse<String> response = call(first, "/api/outage", "DPoP " + token,
					CLIENT.proof("GET", PUBLIC_URL + "/api/outage", token, Instant.now()));
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(response.body()).contains("urn:gatehouse:problem:dpop-replay-check-unavailable");
		}
		finally {
			redis.start();
		}
		assertThat(backend.findAll(getRequestedFor(urlPathEqualTo("/api/outage")))).isEmpty();
		// Lettuce reconnects by itself; then proofs are accepted again on both instances
		for (GatewayInstance gateway : new GatewayInstance[] { first, second }) {
			Awaitility.await()
				.atMost(Duration.ofSeconds(15))
				.until(() -> call(gateway, "/api/back", "DPoP " + token,
						CLIENT.proof("GET", PUBLIC_URL + "/api/back", token, Instant.now()))
					.statusCode() == 200);
		}
	}

}
