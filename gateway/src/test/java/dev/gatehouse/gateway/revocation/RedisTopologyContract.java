package dev.gatehouse.gateway.revocation;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import dev.gatehouse.gateway.support.AuthServiceProcess;
import dev.gatehouse.gateway.support.GatewayInstance;
import dev.gatehouse.gateway.support.RedisProcess;
import dev.gatehouse.gateway.support.RedisTopology;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every Redis topology must give: two gateways and the real auth-service (from its
 * jar) on one topology started by the test; a limit holds in total under concurrency, a
 * revocation reaches both gateways within a second, a fresh load finds every revocation,
 * and, last, the master holding a route's counters dies: {@code on-store-failure} applies
 * quickly, and after the promotion limits and revocations work again, with nothing
 * revoked during the outage lost. One topology and one set of services per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisabledIfSystemProperty(named = "gatehouse.test.redis", matches = "local",
		disabledReason = "starts servers of its own: the run without -Dgatehouse.test.redis=local covers it")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RedisTopologyContract {

	private static final HttpClient http = HttpClient.newHttpClient();

	/** The route whose master the failover test kills (its counters' hash tag). */
	private static final String FAILOVER_KEY = "{failover}";

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

	private final WireMockServer backend = new WireMockServer(options().dynamicPort());

	RedisTopology topology;

	private AuthServiceProcess auth;

	private GatewayInstance first;

	private GatewayInstance second;

	/** Starts the topology in {@code dir}. */
	abstract RedisTopology startTopology(Path dir);

	/** The live master holding the key now. */
	abstract RedisProcess masterHolding(String key);

	/** Waits until a replica took over from the dead master. */
	abstract void awaitPromotion(RedisProcess dead, Duration timeout);

	/** What the failover measured, for the docs. */
	abstract String name();

	@BeforeAll
	void start(@TempDir Path dir) throws Exception {
		this.topology = startTopology(dir.resolve("redis"));
		this.backend.start();
		this.backend.stubFor(get(anyUrl()).willReturn(ok("from backend")));
		this.auth = AuthServiceProcess.start(dir.resolve("auth"), this.topology.springProperties());
		Map<String, String> properties = new HashMap<>(this.topology.springProperties());
		properties.put("gatehouse.test.backend-url", this.backend.baseUrl());
		properties.put("gatehouse.test.issuer", this.auth.baseUrl());
		// a burst of 200 requests on a loaded 2-core machine can queue longer than the
		// profile's 2 s; the failover test shows that no request waits for it anyway
		properties.put("spring.data.redis.timeout", COMMAND_TIMEOUT.toMillis() + "ms");
		this.first = GatewayInstance.start("cluster", properties);
		this.second = GatewayInstance.start("cluster", properties);
	}

	@AfterAll
	void stop() {
		for (AutoCloseable running : new AutoCloseable[] { this.first, this.second, this.auth, this.topology }) {
			try {
				if (running != null) {
					running.close();
				}
			}
			catch (Exception ex) {
				// stop the rest whatever happened
			}
		}
		this.backend.stop();
	}

	@Test
	@Order(1)
	void twoHundredConcurrentRequestsAgainstALimitOfTenAdmitExactlyTenAcrossBothGateways() throws Exception {
		List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			calls.add(((i % 2 == 0) ? this.first : this.second).getAsync("/crowd/" + i, null));
		}
		int admitted = 0;
		for (CompletableFuture<HttpResponse<String>> call : calls) {
			int status = call.get().statusCode();
			assertThat(status).isIn(200, 429);
			admitted += (status == 200) ? 1 : 0;
		}
		assertThat(admitted).isEqualTo(10);
		assertThat(this.backend.findAll(getRequestedFor(urlPathMatching("/crowd/.*")))).hasSize(10);
	}

	@Test
	@Order(2)
	void aTokenRevokedAtTheAuthServiceIsRefusedByBothGatewaysWithinOneSecond() throws Exception {
		assertRevocationReachesBothGatewaysWithinOneSecond(login());
	}

	@Test
	@Order(3)
	void aFreshLoadFindsEveryRevocationWhereverItIsStored() {
		ReactiveStringRedisTemplate redis = this.first.bean(ReactiveStringRedisTemplate.class);
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			String key = RedisRevocationSync.KEY_PREFIX + "jti:" + UUID.randomUUID();
			keys.add(key);
			redis.opsForValue().set(key, "4102444800", Duration.ofMinutes(5)).block(Duration.ofSeconds(5));
		}
		assertSpreadOverEveryMaster(keys);
		long applied = this.first.bean(RedisRevocationSync.class).resync().block(Duration.ofSeconds(10));
		assertThat(applied).as("every revocation key, on every master, is applied").isEqualTo(storedRevocations());
	}

	/** For a cluster: the keys landed on more than one master. */
	void assertSpreadOverEveryMaster(List<String> keys) {
	}

	/** How many revocation keys the topology holds, counted node by node. */
	abstract long storedRevocations();

	@Test
	@Order(4)
	void whenTheMasterHoldingARoutesCountersDiesTheStorePolicyAppliesQuicklyAndEverythingWorksAgainAfterPromotion()
			throws Exception {
		RedisProcess victim = masterHolding(FAILOVER_KEY);
		// a token whose revocation key lives on the master about to die
		String revokedDuringOutage = null;
		for (int i = 0; i < 40 && revokedDuringOutage == null; i++) {
			String token = login();
			if (masterHolding(RedisRevocationSync.KEY_PREFIX + "jti:" + jti(token)) == victim) {
				revokedDuringOutage = token;
			}
		}
		assertThat(revokedDuringOutage).as("a token whose revocation key is on " + victim.address()).isNotNull();
		assertThat(this.first.get("/api/me", revokedDuringOutage).statusCode()).isEqualTo(200);
		assertThat(this.first.get("/failover/warm-up", null).statusCode()).isEqualTo(200);

		long killed = System.nanoTime();
		victim.kill();
		// while the master is gone: deny answers 503 at once, never hangs
		long firstFailure = -1;
		long slowest = 0;
		for (int i = 0; firstFailure < 0 && i < 200; i++) {
			long sent = System.nanoTime();
			HttpResponse<String> response = this.first.get("/failover/down-" + i, null);
			slowest = Math.max(slowest, millisSince(sent));
			if (response.statusCode() == 503) {
				firstFailure = millisSince(killed);
				assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
			}
		}
		assertThat(firstFailure).as("a request answered by on-store-failure").isNotNegative();
		assertThat(revoke(revokedDuringOutage).statusCode()).as("the auth-service takes revocations during the outage")
			.isEqualTo(200);

		awaitPromotion(victim, Duration.ofSeconds(30));
		long promoted = millisSince(killed);

		// limits count again without restarting anything: the budget of 3 runs out
		long limitsBack = -1;
		int statusAfter = 0;
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			long sent = System.nanoTime();
			statusAfter = this.second.get("/failover/up", null).statusCode();
			if (statusAfter != 503) {
				limitsBack = millisSince(killed);
				break;
			}
			slowest = Math.max(slowest, millisSince(sent));
			Thread.sleep(50);
		}
		assertThat(limitsBack).as("the limiter answers again after the promotion").isPositive();
		int refused = 0;
		for (int i = 0; i < 4; i++) {
			refused += (this.second.get("/failover/again-" + i, null).statusCode() == 429) ? 1 : 0;
		}
		assertThat(refused).as("the budget of 3 per minute is counted again").isPositive();

		// the revocation written while the master was down reaches both gateways
		long revocationSeen = -1;
		deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			if (this.first.get("/api/me", revokedDuringOutage).statusCode() == 401
					&& this.second.get("/api/me", revokedDuringOutage).statusCode() == 401) {
				revocationSeen = millisSince(killed);
				break;
			}
			Thread.sleep(50);
		}
		assertThat(revocationSeen).as("the revocation made during the outage is enforced").isPositive();
		// and a new revocation is announced as fast as before
		assertRevocationReachesBothGatewaysWithinOneSecond(login());
		System.out
			.printf("%s failover: first on-store-failure answer %d ms after the kill (slowest request %d ms), promotion "
					+ "complete after %d ms, limits counted again after %d ms, outage revocation enforced after %d ms%n",
					name(), firstFailure, slowest, promoted, limitsBack, revocationSeen);
		// commands for the dead master are refused at once, not queued: no request comes
		// near the command timeout
		assertThat(slowest).as("no request waits for the command timeout during the failover")
			.isLessThan(COMMAND_TIMEOUT.toMillis());
	}

	private void assertRevocationReachesBothGatewaysWithinOneSecond(String token) throws Exception {
		assertThat(this.first.get("/api/me", token).statusCode()).isEqualTo(200);
		assertThat(this.second.get("/api/me", token).statusCode()).isEqualTo(200);
		assertThat(revoke(token).statusCode()).isEqualTo(200);
		// from the auth-service's answer: the revocation is made
		long revokedAt = System.nanoTime();
		boolean firstRefuses = false;
		boolean secondRefuses = false;
		while (!(firstRefuses && secondRefuses) && System.nanoTime() - revokedAt < 1_000_000_000L) {
			firstRefuses = firstRefuses || this.first.get("/api/me", token).statusCode() == 401;
			secondRefuses = secondRefuses || this.second.get("/api/me", token).statusCode() == 401;
		}
		assertThat(firstRefuses).as("first gateway refuses within 1 s").isTrue();
		assertThat(secondRefuses).as("second gateway refuses within 1 s").isTrue();
	}

	private static long millisSince(long nanos) {
		return (System.nanoTime() - nanos) / 1_000_000;
	}

	private HttpResponse<String> revoke(String token) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(this.auth.baseUrl() + "/revoke"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String login() throws Exception {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(this.auth.baseUrl() + "/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=root&password=root-password"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
	}

	private static String jti(String token) {
		String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
		return payload.replaceAll(".*\"jti\":\"([^\"]+)\".*", "$1");
	}

}
