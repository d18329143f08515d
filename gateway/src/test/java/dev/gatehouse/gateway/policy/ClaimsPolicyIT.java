package dev.gatehouse.gateway.policy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.gatehouse.gateway.support.TestTokens;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real gateway with claim conditions, claim headers and a plan in route YAML
 * ({@code application-claims.yml}): the tenant-isolation case, claims sent to the backend
 * (client copies removed), header injection through a claim, and a gold plan.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("claims")
class ClaimsPolicyIT {

	private static final byte[] SECRET = "claims-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	static {
		backend.start();
	}

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void addresses(DynamicPropertyRegistry registry) {
		registry.add("gatehouse.test.backend-url", backend::baseUrl);
	}

	@AfterAll
	static void stopBackend() {
		backend.stop();
	}

	@BeforeEach
	void resetBackend() {
		backend.resetAll();
		backend.stubFor(any(anyUrl()).willReturn(ok("from backend")));
	}

	private WebTestClient client() {
		return WebTestClient.bindToServer().baseUrl("http://localhost:" + this.port).build();
	}

	/** An HS256 token of the test issuer with these extra claims (JSON members). */
	private static String token(String subject, String extraClaims) {
		long now = Instant.now().getEpochSecond();
		String payload = "{\"iss\":\"http://claims.test\",\"sub\":\"" + subject + "\",\"aud\":\"gatehouse\",\"iat\":"
				+ now + ",\"exp\":" + (now + 300) + ",\"client_id\":\"app-" + subject + "\"," + extraClaims + "}";
		String input = TestTokens.b64("{\"alg\":\"HS256\"}") + "." + TestTokens.b64(payload);
		return input + "." + TestTokens.hs256(input, SECRET);
	}

	private static String acme(String subject, String plan) {
		return token(subject, "\"tenant\":\"acme\",\"plan\":\"" + plan
				+ "\",\"email\":\"ann@example.com\",\"org\":{\"id\":\"acme\"}");
	}

	@Test
	void explainListsTheRoutesClaimConditionsClaimHeadersAndPlans() {
		WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/gatehouse/explain?method=GET&path=/tenants/acme/orders")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.policy.claims.length()")
			.isEqualTo(4)
			.jsonPath("$.policy.claims[0]")
			.isEqualTo("tenant equals the path variable {tenant}")
			.jsonPath("$.policy.headers['X-Tenant']")
			.isEqualTo("tenant")
			.jsonPath("$.policy.headers['X-Plan']")
			.isEqualTo("plan")
			.jsonPath("$.policy.rateLimits[0].key")
			.isEqualTo("claim:tenant")
			.jsonPath("$.policy.rateLimits[1].when[0]")
			.isEqualTo("plan equals 'gold'");
	}

	@Test
	void aTenantReachesItsOwnPathWithItsClaimsAsHeadersAndNoClientCopies() {
		client().get()
			.uri("/tenants/acme/orders")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + acme("ann", "silver"))
			.header("X-Tenant", "globex")
			.header("x-plan", "gold")
			.exchange()
			.expectStatus()
			.isOk();
		LoggedRequest received = backend.getAllServeEvents().get(0).getRequest();
		assertThat(received.header("X-Tenant").values()).containsExactly("acme");
		assertThat(received.header("X-Plan").values()).containsExactly("silver");
	}

	@Test
	void aTenantIsRefusedAnotherTenantsPathWithAReasonNamingTheClaimNotItsValue() {
		String body = client().get()
			.uri("/tenants/globex/orders")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + acme("bob", "silver"))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE, (value) -> assertThat(value).contains("insufficient_scope"))
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		// the claim's value (acme) is never told; the path (instance) is the client's own
		assertThat(body).contains("claim 'tenant' does not satisfy the route's condition").doesNotContain("acme");
		assertThat(backend.getAllServeEvents()).isEmpty();
	}

	@Test
	void aClaimCarryingAHeaderInjectionIsRefusedAndNeverForwarded() {
		client().get()
			.uri("/profile/me")
			.header(HttpHeaders.AUTHORIZATION,
					"Bearer " + token("eve", "\"email\":\"eve@example.com\\r\\nX-Auth-Subject: root\""))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("claim 'email'").doesNotContain("root"));
		assertThat(backend.getAllServeEvents()).isEmpty();
		client().get()
			.uri("/profile/me")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token("eve", "\"email\":\"eve@example.com\""))
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void theGoldPlanGetsItsOwnBudgetAndTheHeadersNameIt() {
		String gold = acme("gail", "gold");
		for (int i = 0; i < 3; i++) {
			client().get()
				.uri("/tenants/acme/items")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + gold)
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.valueEquals("RateLimit-Policy", "\"gold\";q=3;w=60");
		}
		client().get()
			.uri("/tenants/acme/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + gold)
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.exists("Retry-After");
	}

}
