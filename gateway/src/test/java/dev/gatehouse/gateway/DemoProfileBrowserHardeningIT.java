package dev.gatehouse.gateway;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo profile's browser hardening, as Spring Cloud Gateway's own SecureHeaders
 * filter and global CORS configuration deliver it: security headers on the public
 * {@code /app/**} page, CORS only for the configured origin. Also the demo's per-address
 * limits on {@code /auth/**}. The demo routes (the auth-service's too) point at a
 * WireMock backend on a random port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = { "management.server.port=0" })
@ActiveProfiles("demo")
class DemoProfileBrowserHardeningIT {

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	static {
		backend.start();
	}

	@LocalServerPort
	int port;

	private WebTestClient client;

	@DynamicPropertySource
	static void addresses(DynamicPropertyRegistry registry) {
		registry.add("gatehouse.demo.backend-uri", backend::baseUrl);
		registry.add("gatehouse.demo.auth-uri", backend::baseUrl);
	}

	@AfterAll
	static void stopBackend() {
		backend.stop();
	}

	@BeforeEach
	void setUp() {
		backend.resetAll();
		backend.stubFor(any(anyUrl()).willReturn(
				ok("<!doctype html><title>app</title>").withHeader("Content-Type", "text/html; charset=utf-8")));
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(Duration.ofSeconds(20))
			.build();
	}

	@Test
	void appPageCarriesCspNosniffAndFrameDenialButNoHstsOverPlainHttp() {
		this.client.get()
			.uri("/app/index.html")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("Content-Security-Policy",
					"default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectHeader()
			.valueEquals("X-Frame-Options", "DENY")
			.expectHeader()
			.valueEquals("Referrer-Policy", "no-referrer")
			.expectHeader()
			.doesNotExist("Strict-Transport-Security")
			.expectHeader()
			.doesNotExist("X-XSS-Protection");
	}

	@Test
	void publicEchoCarriesTheSecurityHeadersToo() {
		this.client.get()
			.uri("/public/hello")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Content-Type-Options", "nosniff")
			.expectHeader()
			.valueEquals("X-Frame-Options", "DENY");
	}

	@Test
	void preflightWhenOriginIsConfiguredThenCorsAllowsItWithCredentials() {
		this.client.options()
			.uri("/api/items")
			.header(HttpHeaders.HOST, "127.0.0.1:" + this.port)
			.header(HttpHeaders.ORIGIN, "http://localhost:8080")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "http://localhost:8080")
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
			.expectHeader()
			.valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "authorization");
	}

	@Test
	void preflightWhenOriginIsNotConfiguredThenForbiddenAndNothingReachesTheBackend() {
		this.client.options()
			.uri("/api/items")
			.header(HttpHeaders.ORIGIN, "http://evil.example")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
		assertThat(backend.getAllServeEvents()).isEmpty();
	}

	@Test
	void everyAuthPathIsLimitedPerClientAddressWithABurstAndAQuota() {
		java.util.concurrent.atomic.AtomicLong remaining = new java.util.concurrent.atomic.AtomicLong();
		this.client.get()
			.uri("/auth/users/me")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("RateLimit-Policy", "\"auth-burst\";q=20;w=1, \"auth\";q=120;w=60")
			.expectHeader()
			.value("RateLimit", (value) -> remaining.set(remaining(value, "auth")));
		assertThat(remaining.get()).isBetween(1L, 119L);
		// another claimed address: still the same socket peer, the same budget
		this.client.get()
			.uri("/auth/.well-known/jwks.json")
			.header("X-Forwarded-For", "203.0.113.7")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value("RateLimit", (value) -> assertThat(remaining(value, "auth")).isEqualTo(remaining.get() - 1));
	}

	@Test
	void theAuthServiceLearnsThePrefixTheGatewayStrippedSoItsRedirectsKeepIt() {
		this.client.get().uri("/auth/docs").header("X-Forwarded-Prefix", "/forged").exchange().expectStatus().isOk();
		com.github.tomakehurst.wiremock.verification.LoggedRequest received = backend
			.findAll(com.github.tomakehurst.wiremock.client.WireMock
				.getRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/docs")))
			.get(0);
		assertThat(received.header("X-Forwarded-Prefix").values()).containsExactly("/auth");
	}

	@Test
	void aClientsForwardedHeadersNeverReachTheBackendOnlyTheGatewaysOwn() {
		this.client.get()
			.uri("/auth/docs")
			.header("Forwarded", "for=203.0.113.9;proto=https")
			.header("X-Forwarded-For", "203.0.113.7")
			.header("X-Forwarded-Host", "evil.example")
			.header("X-Forwarded-Port", "1")
			.exchange()
			.expectStatus()
			.isOk();
		com.github.tomakehurst.wiremock.verification.LoggedRequest received = backend
			.findAll(com.github.tomakehurst.wiremock.client.WireMock
				.getRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/docs")))
			.get(0);
		assertThat(received.containsHeader("Forwarded")).isFalse();
		assertThat(received.containsHeader("X-Forwarded-Port")).isFalse();
		assertThat(received.header("X-Forwarded-For").values()).containsExactly("127.0.0.1");
		assertThat(received.header("X-Forwarded-Host").firstValue()).doesNotContain("evil");
	}

	private static long remaining(String rateLimit, String name) {
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"" + name + "\";r=(\\d+);")
			.matcher(rateLimit);
		assertThat(matcher.find()).as(rateLimit).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	@Test
	void theTokenEndpointKeepsItsTighterPerAddressLimit() {
		this.client.post()
			.uri("/auth/token")
			.exchange()
			.expectHeader()
			.valueEquals("RateLimit-Policy", "\"auth-token-burst\";q=10;w=1, \"auth-token\";q=30;w=60");
	}

}
