package dev.gatehouse.gateway.ratelimit;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatehouse.gateway.support.AuthServiceProcess;
import dev.gatehouse.gateway.support.GatewayInstance;
import dev.gatehouse.gateway.support.TestRedis;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways sharing one Redis, in front of one backend, trusting the real auth-service
 * (started from its jar): limits hold in total across instances, and a revocation made at
 * the auth-service reaches both within a second.
 */
class SharedLimitsAndRevocationIT {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	@TempDir
	static Path dataDir;

	private static AuthServiceProcess auth;

	private static GatewayInstance first;

	private static GatewayInstance second;

	@BeforeAll
	static void start() throws Exception {
		backend.start();
		backend.stubFor(get(anyUrl()).willReturn(ok("from backend")));
		int redis = TestRedis.shared();
		forgetCountersOfEarlierRuns(redis);
		auth = AuthServiceProcess.start(dataDir, redis);
		Map<String, String> properties = Map.of("gatehouse.test.backend-url", backend.baseUrl(),
				"gatehouse.test.issuer", auth.baseUrl(), "spring.data.redis.host", "127.0.0.1",
				"spring.data.redis.port", Integer.toString(redis));
		first = GatewayInstance.start("cluster", properties);
		second = GatewayInstance.start("cluster", properties);
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
		backend.stop();
	}

	@Test
	void aLimitOfFiveAdmitsExactlyFiveAcrossBothInstances() throws Exception {
		String token = login("root", "root-password");
		int admitted = 0;
		int limited = 0;
		for (int i = 0; i < 12; i++) {
			HttpResponse<String> response = ((i % 2 == 0) ? first : second).get("/shared/" + i, token);
			assertThat(response.headers().firstValue("RateLimit-Policy")).hasValue("\"default\";q=5;w=60");
			assertThat(response.headers().firstValue("RateLimit")).isPresent();
			if (response.statusCode() == 200) {
				admitted++;
			}
			else {
				assertThat(response.statusCode()).isEqualTo(429);
				assertThat(response.headers().firstValue("Retry-After").map(Long::parseLong))
					.hasValueSatisfying((seconds) -> assertThat(seconds).isBetween(1L, 60L));
				assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
				assertThat(response.headers().firstValue("RateLimit").orElseThrow()).contains(";r=0;");
				limited++;
			}
		}
		assertThat(admitted).isEqualTo(5);
		assertThat(limited).isEqualTo(7);
		assertThat(backend.findAll(getRequestedFor(urlPathMatching("/shared/.*")))).hasSize(5);
	}

	@Test
	void twoHundredSimultaneousRequestsAgainstALimitOfTenAdmitAtMostTen() throws Exception {
		List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			calls.add(((i % 2 == 0) ? first : second).getAsync("/crowd/" + i, null));
		}
		int admitted = 0;
		for (CompletableFuture<HttpResponse<String>> call : calls) {
			int status = call.get().statusCode();
			assertThat(status).isIn(200, 429);
			admitted += (status == 200) ? 1 : 0;
		}
		assertThat(admitted).isEqualTo(10);
		assertThat(backend.findAll(getRequestedFor(urlPathMatching("/crowd/.*")))).hasSize(10);
	}

	@Test
	void aBurstAndAQuotaAreBothEnforcedAndNamedInTheHeaders() throws Exception {
		HttpResponse<String> one = first.get("/tiered/1", null);
		HttpResponse<String> two = second.get("/tiered/2", null);
		HttpResponse<String> three = first.get("/tiered/3", null);
		assertThat(one.statusCode()).isEqualTo(200);
		assertThat(two.statusCode()).isEqualTo(200);
		assertThat(three.statusCode()).isEqualTo(429);
		assertThat(one.headers().firstValue("RateLimit-Policy")).hasValue("\"burst\";q=2;w=1, \"quota\";q=50;w=3600");
		assertThat(three.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"burst\";r=0;")
			.contains("\"quota\";r=48;");
	}

	@Test
	void aPlanChosenByAClaimIsSharedAcrossBothInstancesAndNamedInTheHeaders() throws Exception {
		String token = login("root", "root-password");
		int admitted = 0;
		for (int i = 0; i < 5; i++) {
			HttpResponse<String> response = ((i % 2 == 0) ? first : second).get("/planned/" + i, token);
			assertThat(response.headers().firstValue("RateLimit-Policy")).hasValue("\"admins\";q=3;w=60");
			assertThat(response.statusCode()).isIn(200, 429);
			admitted += (response.statusCode() == 200) ? 1 : 0;
		}
		assertThat(admitted).isEqualTo(3);
	}

	@Test
	void aRedisThatForgotTheScriptIsGivenItAgainAndStillCounts() throws Exception {
		scriptFlush(TestRedis.shared());
		int admitted = 0;
		for (int i = 0; i < 5; i++) {
			int status = ((i % 2 == 0) ? first : second).get("/flushed/" + i, null).statusCode();
			assertThat(status).isIn(200, 429);
			admitted += (status == 200) ? 1 : 0;
		}
		assertThat(admitted).isEqualTo(3);
	}

	@Test
	void aTokenRevokedAtTheAuthServiceIsRefusedByBothInstancesWithinOneSecond() throws Exception {
		String token = login("root", "root-password");
		assertThat(first.get("/api/me", token).statusCode()).isEqualTo(200);
		assertThat(second.get("/api/me", token).statusCode()).isEqualTo(200);
		long revokedAt = System.nanoTime();
		HttpResponse<String> revoke = http.send(HttpRequest.newBuilder(URI.create(auth.baseUrl() + "/revoke"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(revoke.statusCode()).isEqualTo(200);
		boolean firstRefuses = false;
		boolean secondRefuses = false;
		while (!(firstRefuses && secondRefuses) && System.nanoTime() - revokedAt < 1_000_000_000L) {
			firstRefuses = firstRefuses || first.get("/api/me", token).statusCode() == 401;
			secondRefuses = secondRefuses || second.get("/api/me", token).statusCode() == 401;
		}
		assertThat(firstRefuses).as("first instance refuses within 1 s").isTrue();
		assertThat(secondRefuses).as("second instance refuses within 1 s").isTrue();
		HttpResponse<String> refused = first.get("/api/me", token);
		assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
	}

	@Test
	void logoutEverywhereAtTheAuthServiceRefusesEveryTokenOfTheUserOnBothInstances() throws Exception {
		String laptop = login("root", "root-password");
		String phone = login("root", "root-password");
		assertThat(first.get("/api/me", phone).statusCode()).isEqualTo(200);
		assertThat(second.get("/api/me", phone).statusCode()).isEqualTo(200);
		HttpResponse<String> logout = http
			.send(HttpRequest.newBuilder(URI.create(auth.baseUrl() + "/logout?everywhere=true"))
				.header("Authorization", "Bearer " + laptop)
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(logout.statusCode()).isEqualTo(204);
		long deadline = System.nanoTime() + 1_000_000_000L;
		int firstStatus = 0;
		int secondStatus = 0;
		while ((firstStatus != 401 || secondStatus != 401) && System.nanoTime() < deadline) {
			firstStatus = first.get("/api/me", phone).statusCode();
			secondStatus = second.get("/api/me", phone).statusCode();
		}
		assertThat(firstStatus).isEqualTo(401);
		assertThat(secondStatus).isEqualTo(401);
		// a login made after the revocation works at once
		assertThat(first.get("/api/me", login("root", "root-password")).statusCode()).isEqualTo(200);
	}

	/**
	 * With -Dgatehouse.test.redis=local the server outlives test runs; counters of this
	 * test's routes start from zero.
	 */
	private static void forgetCountersOfEarlierRuns(int port) {
		LettuceConnectionFactory connections = new LettuceConnectionFactory("127.0.0.1", port);
		connections.afterPropertiesSet();
		connections.start();
		try {
			StringRedisTemplate template = new StringRedisTemplate(connections);
			for (String route : List.of("shared", "crowd", "tiered", "flushed", "planned")) {
				Set<String> keys = template.keys("gatehouse:rl:{" + route + "}:*");
				if (keys != null && !keys.isEmpty()) {
					template.delete(keys);
				}
			}
		}
		finally {
			connections.destroy();
		}
	}

	/** What a Redis restart or failover does to the script cache. */
	private static void scriptFlush(int port) {
		LettuceConnectionFactory connections = new LettuceConnectionFactory("127.0.0.1", port);
		connections.afterPropertiesSet();
		connections.start();
		try (var connection = connections.getConnection()) {
			connection.scriptingCommands().scriptFlush();
		}
		finally {
			connections.destroy();
		}
	}

	private static String login(String username, String password) throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(auth.baseUrl() + "/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers
				.ofString("grant_type=password&username=" + username + "&password=" + password))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
	}

}
