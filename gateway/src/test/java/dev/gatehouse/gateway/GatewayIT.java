package dev.gatehouse.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.gatehouse.gateway.support.TestTokens;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole gateway on a random port, with WireMock as backend and as JWKS issuer.
 * Asserts exactly what the backend received, and that it received nothing on refusals.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
class GatewayIT {

	private static final String JWKS_PATH = "/.well-known/jwks.json";

	private static final KeyPair KEYS = TestTokens.rsa();

	private static final KeyPair ROTATED = TestTokens.rsa();

	private static final KeyPair UNPUBLISHED = TestTokens.rsa();

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	private static final WireMockServer issuer = new WireMockServer(options().dynamicPort());

	static {
		backend.start();
		issuer.start();
		publishJwks((RSAPublicKey) KEYS.getPublic());
	}

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	private WebTestClient client;

	@DynamicPropertySource
	static void addresses(DynamicPropertyRegistry registry) {
		registry.add("gatehouse.test.backend-url", backend::baseUrl);
		registry.add("gatehouse.test.issuer-url", issuer::baseUrl);
		registry.add("gatehouse.test.closed-port", GatewayIT::closedPort);
	}

	@AfterAll
	static void stopServers() {
		backend.stop();
		issuer.stop();
	}

	private static volatile boolean warmedUp;

	@BeforeEach
	void setUp() {
		if (!warmedUp) {
			// the start-up JWKS fetch must not be counted by a test that counts fetches
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(20))
				.until(() -> issuer.countRequestsMatching(getRequestedFor(urlEqualTo(JWKS_PATH)).build())
					.getCount() > 0);
			warmedUp = true;
		}
		backend.resetAll();
		backend.stubFor(any(anyUrl()).willReturn(ok("from backend").withHeader("X-Request-Id", "backend-chosen")));
		backend.stubFor(any(urlPathMatching("/slow/.*")).willReturn(ok("late").withFixedDelay(3000)));
		issuer.resetRequests();
		publishJwks((RSAPublicKey) KEYS.getPublic());
		// a new connection per request: no test can leave a pooled connection behind for
		// the next (keepAliveConnectionServesRequestsAfterEveryKindOfError covers reuse)
		this.client = client(ConnectionProvider.newConnection());
	}

	private WebTestClient client(ConnectionProvider connections) {
		return WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create(connections)))
			.baseUrl("http://localhost:" + this.port)
			.responseTimeout(Duration.ofSeconds(20))
			.build();
	}

	private static void publishJwks(RSAPublicKey... keys) {
		issuer.stubFor(get(JWKS_PATH).willReturn(okJson(TestTokens.jwks(keys))));
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String token() {
		return token(KEYS);
	}

	private static String token(KeyPair keys) {
		return TestTokens.accessToken(keys, Instant.now()).issuer("http://issuer.test").compact();
	}

	private static LoggedRequest onlyBackendRequest() {
		List<LoggedRequest> requests = backend
			.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl()));
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

	private static void assertBackendReceivedNothing() {
		assertThat(backend.getAllServeEvents()).isEmpty();
	}

	@Test
	void routesAreMatchedAndCalledThroughGatehousesLookupFilterChainAndRoutingFilter(
			@Autowired org.springframework.web.reactive.DispatcherHandler dispatcher,
			@Autowired org.springframework.cloud.gateway.handler.FilteringWebHandler filtering,
			@Autowired List<org.springframework.cloud.gateway.filter.GlobalFilter> globalFilters) {
		assertThat(dispatcher.getHandlerMappings())
			.filteredOn(org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping.class::isInstance)
			.singleElement()
			.isInstanceOf(dev.gatehouse.gateway.routes.RouteSnapshotHandlerMapping.class);
		// no mapping with nothing to map is asked first (Spring Boot's health additional
		// paths, of which there are none, or @RequestMapping methods)
		assertThat(dispatcher.getHandlerMappings()).noneMatch((
				mapping) -> mapping instanceof org.springframework.web.reactive.result.method.AbstractHandlerMethodMapping<?> methods
						&& methods.getHandlerMethods().isEmpty());
		assertThat(filtering).isInstanceOf(dev.gatehouse.gateway.routes.RouteFiltersWebHandler.class);
		// one routing filter, Gatehouse's, and one response writer
		assertThat(globalFilters)
			.filteredOn(org.springframework.cloud.gateway.filter.NettyRoutingFilter.class::isInstance)
			.singleElement()
			.satisfies(
					(routing) -> assertThat(routing.getClass().getSimpleName()).isEqualTo("RouteClientRoutingFilter"));
		assertThat(globalFilters)
			.filteredOn(org.springframework.cloud.gateway.filter.NettyWriteResponseFilter.class::isInstance)
			.hasSize(1);
		this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token())
			.exchange()
			.expectStatus()
			.isOk();
		this.client.get().uri("/no-route-here").exchange().expectStatus().isNotFound();
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void theAccessLogHasOneJsonLinePerRequestOnItsLoggerWithoutTokenOrQuery(CapturedOutput output) {
		String token = token();
		this.client.get()
			.uri("/api/items?access_token=query-secret")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.header("X-Request-Id", "access-log-ok")
			.exchange()
			.expectStatus()
			.isOk();
		this.client.get()
			.uri("/api/items")
			.header("X-Request-Id", "access-log-refused")
			.exchange()
			.expectStatus()
			.isUnauthorized();
		// refused before routing: the path guard runs after the access log's filter, so
		// this is logged too
		this.client.get()
			.uri(java.net.URI.create("http://localhost:" + this.port + "/public/%2e%2e/x"))
			.header("X-Request-Id", "access-log-path")
			.exchange()
			.expectStatus()
			.isBadRequest();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> output.getOut().contains("\"requestId\":\"access-log-path\""));
		java.util.Map<String, String> lines = new java.util.HashMap<>();
		for (String line : output.getOut().split("\n")) {
			int start = line.indexOf("{\"time\"");
			if (start >= 0 && line.contains("\"requestId\":\"access-log-")) {
				// by default through the logger (the contract's), in the console pattern
				assertThat(line.substring(0, start)).as(line).contains("dev.gatehouse.gateway.access");
				java.util.Map<?, ?> json = tools.jackson.databind.json.JsonMapper.builder()
					.build()
					.readValue(line.substring(start), java.util.Map.class);
				lines.put((String) json.get("requestId"), line.substring(start));
				assertThat(json.get("method")).isEqualTo("GET");
			}
		}
		assertThat(lines).containsOnlyKeys("access-log-ok", "access-log-refused", "access-log-path");
		assertThat(lines.get("access-log-ok")).contains("\"path\":\"/api/items\"", "\"route\":\"items\"");
		assertThat(lines.get("access-log-path")).contains("\"status\":400", "\"reason\":\"path-rejected\"")
			.doesNotContain("\"route\"");
		assertThat(lines.get("access-log-ok")).contains("\"status\":200", "\"subject\":\"alice\"", "\"upstreamMs\":",
				"\"client\":\"");
		assertThat(lines.get("access-log-refused")).contains("\"status\":401", "\"reason\":\"unauthorized\"")
			.doesNotContain("upstreamMs");
		assertThat(output.getOut()).doesNotContain(token).doesNotContain("query-secret");
	}

	@Test
	void forwardsExactlyTheComputedIdentityAndStripsClientAuthHeaders() {
		this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token())
			.header("X-Auth-Subject", "mallory")
			.header("x-auth-roles", "admin")
			.header("X-AUTH-SCOPES", "everything")
			.header("X-Auth-Scopes", "more")
			.header("X-Auth-Custom", "injected")
			.header("X-Auth-Issuer", "https://partner.example")
			.header("X-Request-Id", "client-req.42")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("X-Request-Id", "client-req.42");
		LoggedRequest received = onlyBackendRequest();
		assertThat(received.header("X-Auth-Subject").values()).containsExactly("alice");
		assertThat(received.header("X-Auth-Issuer").values()).containsExactly("http://issuer.test");
		assertThat(received.header("X-Auth-Roles").values()).containsExactly("user,admin");
		assertThat(received.header("X-Auth-Scopes").values()).containsExactly("items:read items:write");
		assertThat(received.header("X-Auth-Client-Id").values()).containsExactly("gatehouse-web");
		assertThat(received.containsHeader("X-Auth-Custom")).isFalse();
		assertThat(received.containsHeader("Authorization")).isFalse();
		assertThat(received.header("X-Request-Id").values()).containsExactly("client-req.42");
		assertThat(received.getAllHeaderKeys().stream().filter(h -> h.toLowerCase().startsWith("x-auth-"))).hasSize(5);
	}

	@Test
	void headersNamedInConnectionCannotStripTheIdentityHeaders() {
		this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token())
			.header(HttpHeaders.CONNECTION, "X-Auth-Subject, X-Auth-Roles, X-Request-Id, X-Forwarded-For")
			.exchange()
			.expectStatus()
			.isOk();
		LoggedRequest received = onlyBackendRequest();
		assertThat(received.header("X-Auth-Subject").values()).containsExactly("alice");
		assertThat(received.header("X-Auth-Roles").values()).containsExactly("user,admin");
		assertThat(received.containsHeader("X-Request-Id")).isTrue();
		assertThat(received.containsHeader("X-Forwarded-For")).isTrue();
	}

	@Test
	void aRetriedCallAnswersWithTheSecondAttemptAndNothingOfTheFirst() {
		backend.stubFor(get(urlEqualTo("/retried/x")).inScenario("retry")
			.whenScenarioStateIs(Scenario.STARTED)
			.willReturn(aResponse().withStatus(502).withHeader("X-First-Attempt", "yes").withBody("bad gateway"))
			.willSetStateTo("second"));
		backend.stubFor(get(urlEqualTo("/retried/x")).inScenario("retry")
			.whenScenarioStateIs("second")
			.willReturn(ok("second try")));

		this.client.get()
			.uri("/retried/x")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist("X-First-Attempt")
			.expectBody(String.class)
			.isEqualTo("second try");
		assertThat(backend.findAll(getRequestedFor(urlEqualTo("/retried/x")))).hasSize(2);
	}

	@Test
	void spoofedForwardedHeadersFromAnUntrustedPeerAreReplaced() {
		this.client.get()
			.uri("/public/echo")
			.header("X-Forwarded-For", "203.0.113.7")
			.header("X-Forwarded-Proto", "https")
			.header("X-Forwarded-Host", "evil.example")
			.header("Forwarded", "for=203.0.113.7")
			.exchange()
			.expectStatus()
			.isOk();
		LoggedRequest received = onlyBackendRequest();
		assertThat(received.header("X-Forwarded-For").values()).containsExactly("127.0.0.1");
		assertThat(received.header("X-Forwarded-Proto").values()).containsExactly("http");
		assertThat(received.header("X-Forwarded-Host").values()).containsExactly("localhost:" + this.port);
		assertThat(received.containsHeader("Forwarded")).isFalse();
	}

	@Test
	void publicRouteNeedsNoTokenButStillStripsClientAuthHeaders() {
		this.client.get()
			.uri("/public/echo")
			.header("X-Auth-Subject", "mallory")
			.header(HttpHeaders.AUTHORIZATION, "Bearer not-even-a-jwt")
			.exchange()
			.expectStatus()
			.isOk();
		LoggedRequest received = onlyBackendRequest();
		assertThat(received.containsHeader("X-Auth-Subject")).isFalse();
		assertThat(received.containsHeader("Authorization")).isFalse();
	}

	@Test
	void requestWithoutTokenIs401WithoutErrorAttributeAndNeverReachesTheBackend() {
		this.client.get()
			.uri("/api/items?access_token=" + token())
			.cookie("access_token", token())
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gatehouse\"")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists("X-Request-Id")
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.type")
			.isEqualTo("urn:gatehouse:problem:unauthorized")
			.jsonPath("$.title")
			.exists()
			.jsonPath("$.detail")
			.exists()
			.jsonPath("$.instance")
			.isEqualTo("/api/items")
			.jsonPath("$.requestId")
			.exists();
		assertBackendReceivedNothing();
	}

	@Test
	void expiredTokenIs401SayingExpired() {
		Instant issued = Instant.now().minus(Duration.ofHours(1));
		String expired = TestTokens.accessToken(KEYS, issued).issuer("http://issuer.test").compact();
		String challenge = this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + expired)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectBody(String.class)
			.returnResult()
			.getResponseHeaders()
			.getFirst(HttpHeaders.WWW_AUTHENTICATE);
		assertThat(challenge).startsWith("Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"")
			.contains("expired");
		assertBackendReceivedNothing();
	}

	@Test
	void tamperedTokenIs401AndTheBodyNeverEchoesTheToken() {
		String token = token();
		String tampered = token.substring(0, token.length() - 4) + "AAAA";
		byte[] body = this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "bearer " + tampered)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value).contains("error=\"invalid_token\""))
			.expectBody()
			.returnResult()
			.getResponseBody();
		String text = new String(body, StandardCharsets.UTF_8);
		assertThat(text).doesNotContain(tampered).doesNotContain("Exception").doesNotContain("at dev.");
		assertBackendReceivedNothing();
	}

	@Test
	void twoAuthorizationHeadersAreABadRequest() {
		this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(), "Bearer " + token())
			.exchange()
			.expectStatus()
			.isBadRequest();
		assertBackendReceivedNothing();
	}

	@Test
	void missingRoleIs403InsufficientScope() {
		String userOnly = TestTokens.accessToken(KEYS, Instant.now())
			.issuer("http://issuer.test")
			.claim("roles", List.of("user"))
			.compact();
		this.client.get()
			.uri("/admin/dashboard")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + userOnly)
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE,
					value -> assertThat(value).startsWith("Bearer realm=\"gatehouse\", error=\"insufficient_scope\""))
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertBackendReceivedNothing();
	}

	@Test
	void roleGrantsAccess() {
		this.client.get()
			.uri("/admin/dashboard")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token())
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(onlyBackendRequest().getUrl()).isEqualTo("/admin/dashboard");
	}

	@Test
	void allScopesAreRequired() {
		String oneScope = TestTokens.accessToken(KEYS, Instant.now())
			.issuer("http://issuer.test")
			.claim("scope", "reports:read")
			.compact();
		this.client.get()
			.uri("/reports/monthly")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + oneScope)
			.exchange()
			.expectStatus()
			.isForbidden();
		assertBackendReceivedNothing();
		String bothScopes = TestTokens.accessToken(KEYS, Instant.now())
			.issuer("http://issuer.test")
			.claim("scope", "reports:export reports:read")
			.compact();
		this.client.get()
			.uri("/reports/monthly")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + bothScopes)
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void forwardTokenRoutePassesTheAuthorizationHeader() {
		String token = token();
		this.client.get()
			.uri("/forward/me")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(onlyBackendRequest().header("Authorization").values()).containsExactly("Bearer " + token);
	}

	@Test
	void routeWithRateLimitMetadataStartsAndIsAuthenticated() {
		this.client.get().uri("/limited/x").exchange().expectStatus().isUnauthorized();
		assertBackendReceivedNothing();
	}

	@Test
	void tokenOfASecondIssuerSignedWithHs256IsAccepted() {
		String legacy = Jwts.builder()
			.issuer("http://legacy.test")
			.subject("svc-legacy")
			.audience()
			.add("legacy")
			.and()
			.issuedAt(new Date())
			.expiration(Date.from(Instant.now().plusSeconds(300)))
			.signWith(Keys.hmacShaKeyFor("legacy-shared-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8)),
					Jwts.SIG.HS256)
			.compact();
		this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + legacy)
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(onlyBackendRequest().header("X-Auth-Subject").values()).containsExactly("svc-legacy");
	}

	@Test
	void rotatedKeyIsFetchedOnceWhenATokenNamesItsKid() {
		int before = issuer.countRequestsMatching(getRequestedFor(urlEqualTo(JWKS_PATH)).build()).getCount();
		publishJwks((RSAPublicKey) KEYS.getPublic(), (RSAPublicKey) ROTATED.getPublic());
		this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(ROTATED))
			.exchange()
			.expectStatus()
			.isOk();
		this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(ROTATED))
			.exchange()
			.expectStatus()
			.isOk();
		int after = issuer.countRequestsMatching(getRequestedFor(urlEqualTo(JWKS_PATH)).build()).getCount();
		assertThat(after - before).isEqualTo(1);
	}

	@Test
	void issuerDownKeepsLastGoodKeysAndUnknownKidsAreInvalidTokens() {
		this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token())
			.exchange()
			.expectStatus()
			.isOk();
		issuer.stubFor(get(JWKS_PATH).willReturn(aResponse().withStatus(503)));
		this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer "
					+ TestTokens.accessToken(KEYS, Instant.now()).issuer("http://issuer.test").subject("bob").compact())
			.exchange()
			.expectStatus()
			.isOk();
		this.client.get()
			.uri("/api/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token(UNPUBLISHED))
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value).contains("unknown signing key"));
	}

	@Test
	void unknownPathIs404ProblemJson() {
		this.client.get()
			.uri("/nowhere")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.exists("X-Request-Id")
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(404);
		assertBackendReceivedNothing();
	}

	@Test
	void traversalAndEncodedPathsAre400BeforeRouting() {
		for (String path : List.of("/public/../admin/dashboard", "/public/%2e%2e/admin/dashboard",
				"/public/%2E%2E%2Fadmin", "/public//x", "/public/x;jsessionid=1", "/public/%5cadmin", "/public/%00",
				"/public/./x")) {
			this.client.get()
				.uri(java.net.URI.create("http://localhost:" + this.port + path))
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
		assertBackendReceivedNothing();
	}

	@Test
	void insaneRequestIdIsReplacedAndEchoed() {
		String echoed = this.client.get()
			.uri("/public/x")
			.header("X-Request-Id", "bad id with spaces <script>")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseHeaders()
			.getFirst("X-Request-Id");
		assertThat(echoed).matches("[A-Za-z0-9._-]{1,128}");
		assertThat(onlyBackendRequest().header("X-Request-Id").values()).containsExactly(echoed);
	}

	@Test
	void refusedConnectionIs502() {
		this.client.get()
			.uri("/refused/x")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.BAD_GATEWAY)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void slowBackendIs504() {
		this.client.get()
			.uri("/slow/x")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.GATEWAY_TIMEOUT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void circuitOpensAfterRepeatedFailuresAnd503CarriesRetryAfter() {
		for (int i = 0; i < 5; i++) {
			this.client.get().uri("/flaky/x").exchange().expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY);
		}
		this.client.get()
			.uri("/flaky/x")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.valueEquals(HttpHeaders.RETRY_AFTER, "7")
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void actuatorAnswersOnlyOnTheManagementPort() {
		this.client.get().uri("/actuator/health").exchange().expectStatus().isNotFound();
		this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isNotFound();
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.build();
		management.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
		management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
		management.get().uri("/actuator/gateway/routes").exchange().expectStatus().isOk();
		management.post()
			.uri("/actuator/gateway/refresh")
			.exchange()
			.expectStatus()
			// read-only: the write operation is not mapped at all
			.isNotFound();
	}

	@Test
	void blockHoundIsActiveInThisJvmToo() {
		reactor.core.publisher.Mono<Void> blocking = reactor.core.publisher.Mono
			.<Void>fromRunnable(() -> java.util.concurrent.locks.LockSupport.parkNanos(1_000))
			.subscribeOn(reactor.core.scheduler.Schedulers.parallel());
		Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> blocking.block(Duration.ofSeconds(5)));
		Throwable root = thrown;
		while (root != null && !(root instanceof reactor.blockhound.BlockingOperationError)) {
			root = root.getCause();
		}
		assertThat(root).isInstanceOf(reactor.blockhound.BlockingOperationError.class);
	}

	@Test
	void keepAliveConnectionServesRequestsAfterEveryKindOfError() throws Exception {
		// The JDK client keeps one HTTP/1.1 connection alive across these sequential
		// calls
		// (independent of the Reactor Netty pools the gateway itself uses in this JVM).
		java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
			.version(java.net.http.HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		String base = "http://localhost:" + this.port;
		String bearer = "Bearer " + token();
		for (int round = 0; round < Integer.getInteger("gatehouse.test.keep-alive-rounds", 20); round++) {
			// 502 until the route's circuit opens, 503 after
			assertThat(status(http, base + "/refused-keep-alive/x", null)).isIn(502, 503);
			assertThat(status(http, base + "/nowhere", null)).isEqualTo(404);
			assertThat(status(http, base + "/api/items", null)).isEqualTo(401);
			assertThat(status(http, base + "/public/%2e%2e/x", null)).isEqualTo(400);
			assertThat(status(http, base + "/api/items", bearer)).isEqualTo(200);
		}
	}

	private static int status(java.net.http.HttpClient http, String uri, String authorization) throws Exception {
		java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(uri))
			.timeout(Duration.ofSeconds(10));
		if (authorization != null) {
			request.header(HttpHeaders.AUTHORIZATION, authorization);
		}
		return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
	}

}
