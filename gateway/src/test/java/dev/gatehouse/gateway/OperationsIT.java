package dev.gatehouse.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.gatehouse.gateway.routes.RoutesReload;
import dev.gatehouse.gateway.support.TestTokens;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Day-2 operations against the whole gateway: the routes file reloaded while requests
 * flow, a broken routes file refused, and the explain endpoint. WireMock plays backend
 * and issuer; the "it" profile's routes stay in place beside the file's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@ExtendWith(OutputCaptureExtension.class)
class OperationsIT {

	private static final KeyPair KEYS = TestTokens.rsa();

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	private static final WireMockServer issuer = new WireMockServer(options().dynamicPort());

	private static final Path routesFile;

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static {
		backend.start();
		issuer.start();
		backend.stubFor(any(anyUrl()).willReturn(ok("from backend").withFixedDelay(20)));
		issuer.stubFor(
				get("/.well-known/jwks.json").willReturn(okJson(TestTokens.jwks((RSAPublicKey) KEYS.getPublic()))));
		try {
			routesFile = Files.createTempFile("gatehouse-routes", ".yml");
			Files.writeString(routesFile, routes(1, false));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	RoutesReload reload;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void addresses(DynamicPropertyRegistry registry) {
		registry.add("gatehouse.test.backend-url", backend::baseUrl);
		registry.add("gatehouse.test.issuer-url", issuer::baseUrl);
		registry.add("gatehouse.test.closed-port", () -> 1);
		registry.add("gatehouse.gateway.routes-file", routesFile::toString);
		registry.add("gatehouse.gateway.routes-file-poll-interval", () -> "50ms");
	}

	@AfterAll
	static void stop() throws IOException {
		backend.stop();
		issuer.stop();
		Files.deleteIfExists(routesFile);
	}

	/**
	 * Version {@code version} of the file: {@code /reload/a} always, {@code /reload/b}
	 * only with {@code withB}; every response says which version's route answered. The
	 * backend address comes from the application's environment (a placeholder).
	 */
	private static String routes(int version, boolean withB) {
		String routes = """
				spring:
				  cloud:
				    gateway:
				      server:
				        webflux:
				          routes:
				            - id: reload-a
				              uri: ${gatehouse.test.backend-url}
				              predicates:
				                - Path=/reload/a
				              filters:
				                - "AddResponseHeader=X-Routes-Version, %d"
				              metadata:
				                auth: public
				""".formatted(version);
		if (withB) {
			routes += """
					            - id: reload-b
					              uri: ${gatehouse.test.backend-url}
					              predicates:
					                - Path=/reload/b
					              filters:
					                - "AddResponseHeader=X-Routes-Version, %d"
					              metadata:
					                auth: public
					""".formatted(version);
		}
		return routes;
	}

	private HttpResponse<String> call(String path) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String version(HttpResponse<String> response) {
		return response.headers().firstValue("X-Routes-Version").orElse(null);
	}

	/** Writes the file and waits until {@code /reload/a} answers from that version. */
	private void apply(int version, boolean withB) throws IOException {
		Files.writeString(routesFile, routes(version, withB));
		await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(version).equals(version(call("/reload/a"))));
	}

	private double reloads(String result) {
		return this.meters.counter(RoutesReload.METRIC, "result", result).count();
	}

	@Test
	void reloadUnderLoadLosesNoRequestAndNeverMixesTwoRouteSets() throws Exception {
		apply(10, false);
		int streams = 6;
		AtomicBoolean written = new AtomicBoolean();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger requests = new AtomicInteger();
		AtomicInteger afterSwitch = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(streams);
		List<Future<List<String>>> results = new ArrayList<>();
		for (int s = 0; s < streams; s++) {
			results.add(pool.submit(() -> {
				// one client's view, request after request: what it saw that broke the
				// rules
				List<String> violations = new ArrayList<>();
				boolean seenNew = false;
				for (int i = 0; !stop.get() && i < 2000; i++) {
					boolean isA = i % 2 == 0;
					HttpResponse<String> response = call(isA ? "/reload/a" : "/reload/b");
					requests.incrementAndGet();
					String version = version(response);
					if (response.statusCode() == 200 && "11".equals(version)) {
						seenNew = true;
						afterSwitch.incrementAndGet();
					}
					else if (isA && (response.statusCode() != 200 || !"10".equals(version))) {
						violations.add("/reload/a answered " + response.statusCode() + " version " + version);
					}
					else if (!isA && response.statusCode() != 404) {
						violations.add("/reload/b answered " + response.statusCode() + " version " + version);
					}
					else if (seenNew) {
						violations.add("the old route set answered after the new one had");
					}
				}
				return violations;
			}));
		}
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> requests.get() >= 60);
			Files.writeString(routesFile, routes(11, true));
			written.set(true);
			await().atMost(Duration.ofSeconds(20)).until(() -> afterSwitch.get() >= 60);
		}
		finally {
			stop.set(true);
			pool.shutdown();
		}
		List<String> violations = new ArrayList<>();
		for (Future<List<String>> result : results) {
			violations.addAll(result.get());
		}
		assertThat(written).isTrue();
		assertThat(violations).isEmpty();
		assertThat(this.reload.status().routes()).isEqualTo(2);
	}

	@Test
	void brokenRoutesFileChangesNothingAndIsLoggedCountedAndReported(CapturedOutput output) throws Exception {
		apply(20, true);
		double failures = reloads("failure");
		Files.writeString(routesFile, """
				spring.cloud.gateway.server.webflux.routes:
				  - id: reload-a
				    uri: http://127.0.0.1:1
				    predicates: [Pathh=/reload/a]
				    metadata: { auth: public }
				  - id: reload-b
				    uri: http://127.0.0.1:1
				    predicates: [Path=/reload/b]
				    filters: [StripPrefix=two]
				    metadata: { role: [admin] }
				  - id: public
				    uri: http://127.0.0.1:1
				    predicates: [Path=/reload/c]
				    metadata: { issuers: [http://unknown.test] }
				""");
		await().atMost(Duration.ofSeconds(10)).until(() -> reloads("failure") > failures);
		String prefix = "spring.cloud.gateway.server.webflux.routes";
		assertThat(this.reload.status().lastFailureProblems()).hasSize(5)
			.anySatisfy((p) -> assertThat(p).contains(prefix + "[0].predicates[0] (Pathh)"))
			.anySatisfy((p) -> assertThat(p).contains(prefix + "[1].filters[0] (StripPrefix)").contains("two"))
			.anySatisfy((p) -> assertThat(p).contains(prefix + "[1].metadata.role"))
			.anySatisfy((p) -> assertThat(p).contains(prefix + "[2].id").contains("'public'"))
			.anySatisfy((p) -> assertThat(p).contains(prefix + "[2].metadata.issuers[0]"));
		assertThat(output.getOut()).contains("refused; the last good routes keep serving")
			.contains(prefix + "[1].metadata.role");
		// the last good set still serves, unchanged
		HttpResponse<String> a = call("/reload/a");
		assertThat(a.statusCode()).isEqualTo(200);
		assertThat(version(a)).isEqualTo("20");
		assertThat(version(call("/reload/b"))).isEqualTo("20");
		assertThat(call("/reload/c").statusCode()).isEqualTo(404);
		assertThat(this.reload.status().routes()).isEqualTo(2);
		explain("GET", "/reload/a", null).jsonPath("$.reload.routesFile")
			.isEqualTo(routesFile.toString())
			.jsonPath("$.reload.lastFailure")
			.isNotEmpty()
			.jsonPath("$.reload.lastFailureProblems.length()")
			.isEqualTo(5)
			.jsonPath("$.reload.routes")
			.isEqualTo(2);
		// and a good file afterwards is taken
		apply(21, false);
		assertThat(call("/reload/b").statusCode()).isEqualTo(404);
	}

	private String token(String subject, String scope) {
		return TestTokens.accessToken(KEYS, Instant.now()).subject(subject).claim("scope", scope).compact();
	}

	private WebTestClient.BodyContentSpec explain(String method, String path, String token) {
		return explainOn(this.managementPort, method, path, token).expectStatus()
			.isOk()
			.expectBody()
			.consumeWith((result) -> {
				if (token != null) {
					assertThat(new String(result.getResponseBodyContent())).doesNotContain(token)
						.doesNotContain(token.substring(token.lastIndexOf('.') + 1));
				}
			});
	}

	private WebTestClient.ResponseSpec explainOn(int port, String method, String path, String token) {
		WebTestClient client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + port)
			.responseTimeout(Duration.ofSeconds(10))
			.build();
		return client.get()
			.uri((uri) -> uri.path("/actuator/gatehouse/explain")
				.queryParam("method", method)
				.queryParam("path", path)
				.build())
			.headers((headers) -> {
				if (token != null) {
					headers.setBearerAuth(token);
				}
			})
			.exchange();
	}

	@Test
	void explainAllowsAValidTokenAndShowsWhatTheBackendWouldReceive() {
		String token = token("explained", "items:read");
		explain("GET", "/api/items", token).jsonPath("$.route")
			.isEqualTo("items")
			.jsonPath("$.decision")
			.isEqualTo("allow")
			.jsonPath("$.status")
			.doesNotExist()
			.jsonPath("$.policy.auth")
			.isEqualTo("authenticated")
			.jsonPath("$.reasons[?(@.rule == 'token')].result")
			.isEqualTo("pass")
			.jsonPath("$.headers['X-Auth-Subject']")
			.isEqualTo("explained")
			.jsonPath("$.headers['X-Auth-Scopes']")
			.isEqualTo("items:read")
			.jsonPath("$.headers.Authorization")
			.doesNotExist();
	}

	@Test
	void explainGivesTheReasonsOfA401ForAMissingOrBadToken() {
		explain("GET", "/api/items", null).jsonPath("$.decision")
			.isEqualTo("deny")
			.jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.reasons[?(@.rule == 'token')].reason")
			.isEqualTo("A bearer access token is required.")
			.jsonPath("$.reasons[?(@.rule == 'roles')].result")
			.isEqualTo("skipped")
			.jsonPath("$.headers")
			.isEmpty();
		String forged = token("mallory", "items:read").replaceFirst("\\.[^.]+$", ".c2lnbmF0dXJl");
		explain("GET", "/api/items", forged).jsonPath("$.status")
			.isEqualTo(401)
			.jsonPath("$.reasons[?(@.rule == 'token')].reason")
			.isEqualTo("The access token is not acceptable: invalid signature.");
	}

	@Test
	void explainGivesTheReasonOfA403() {
		explain("GET", "/reports/q3", token("explained", "reports:read")).jsonPath("$.route")
			.isEqualTo("reports")
			.jsonPath("$.decision")
			.isEqualTo("deny")
			.jsonPath("$.status")
			.isEqualTo(403)
			.jsonPath("$.reasons[?(@.rule == 'scopes')].result")
			.isEqualTo("fail")
			.jsonPath("$.reasons[?(@.rule == 'scopes')].reason")
			.isEqualTo(
					"The access token does not grant this route: requires the scopes [reports:read, reports:export].");
	}

	@Test
	void explainShowsRateLimitCountsWithoutCountingAndA429OnceExhausted() throws Exception {
		String subject = "limited-" + System.nanoTime();
		String token = token(subject, "items:read");
		HttpRequest limited = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/limited/x"))
			.header("Authorization", "Bearer " + token)
			.build();
		assertThat(http.send(limited, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		for (int i = 0; i < 3; i++) {
			// explaining counts nothing
			explain("GET", "/limited/x", token).jsonPath("$.decision")
				.isEqualTo("allow")
				.jsonPath("$.rateLimits[0].used")
				.isEqualTo(1)
				.jsonPath("$.rateLimits[0].remaining")
				.isEqualTo(4)
				.jsonPath("$.rateLimits[0].counts")
				.isEqualTo("sub:" + TestTokens.ISSUER + " " + subject);
		}
		for (int i = 0; i < 4; i++) {
			assertThat(http.send(limited, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		}
		assertThat(http.send(limited, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(429);
		explain("GET", "/limited/x", token).jsonPath("$.decision")
			.isEqualTo("deny")
			.jsonPath("$.status")
			.isEqualTo(429)
			.jsonPath("$.rateLimits[0].remaining")
			.isEqualTo(0)
			.jsonPath("$.reasons[?(@.rule == 'rate-limit')].result")
			.isEqualTo("fail");
	}

	@Test
	void explainIsOnTheManagementPortOnly() {
		explainOn(this.port, "GET", "/api/items", null).expectStatus().isNotFound();
	}

	@Test
	void explainNeverEchoesAForwardedToken() {
		String token = token("forwarder", "items:read");
		explain("POST", "/forward/x", token).jsonPath("$.decision")
			.isEqualTo("allow")
			.jsonPath("$.headers.Authorization")
			.isEqualTo("(the request's Authorization header, passed on unchanged)");
	}

	@Test
	void explainSaysWhenNoRouteMatches() {
		explain("GET", "/nowhere", null).jsonPath("$.route")
			.doesNotExist()
			.jsonPath("$.decision")
			.isEqualTo("deny")
			.jsonPath("$.status")
			.isEqualTo(404);
	}

}
