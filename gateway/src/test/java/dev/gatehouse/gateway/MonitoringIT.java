package dev.gatehouse.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway as shipped (tracing off) with Redis configured but down, an issuer whose
 * JWKS fails and a route to a closed port: every metric that the Grafana dashboard and
 * the Prometheus alerts in {@code deploy/} use is on {@code /actuator/prometheus}, and
 * tracing adds nothing: no tracer, no exporter, no {@code traceparent}, no trace id.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gatehouse.gateway.rate-limit.store=redis", "spring.data.redis.host=127.0.0.1" })
@ActiveProfiles("observability")
@ExtendWith(OutputCaptureExtension.class)
@Import(MonitoringIT.ObservationCounting.class)
class MonitoringIT {

	private static final AtomicInteger observationsStarted = new AtomicInteger();

	private static final AtomicInteger scopesOpened = new AtomicInteger();

	private static final String SECRET = "tracing-shared-secret-of-at-least-32-bytes!";

	private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "gatehouse-dashboard.json");

	private static final Path ALERTS = Path.of("..", "deploy", "prometheus", "gatehouse-alerts.yml");

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	private static final WireMockServer collector = new WireMockServer(options().dynamicPort());

	static {
		backend.start();
		collector.start();
	}

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	ApplicationContext context;

	private WebTestClient client;

	@DynamicPropertySource
	static void addresses(DynamicPropertyRegistry registry) {
		registry.add("gatehouse.test.backend-url", backend::baseUrl);
		registry.add("gatehouse.test.closed-port", MonitoringIT::closedPort);
		registry.add("spring.data.redis.port", MonitoringIT::closedPort);
		// a list is bound from one property source: every issuer here
		registry.add("gatehouse.gateway.issuers[0].issuer", () -> "http://tracing.test");
		registry.add("gatehouse.gateway.issuers[0].audiences[0]", () -> "gatehouse");
		registry.add("gatehouse.gateway.issuers[0].algorithms[0]", () -> "HS256");
		registry.add("gatehouse.gateway.issuers[0].hmac-secret", () -> SECRET);
		registry.add("gatehouse.gateway.issuers[1].issuer", () -> "http://failing-jwks.test");
		registry.add("gatehouse.gateway.issuers[1].audiences[0]", () -> "gatehouse");
		registry.add("gatehouse.gateway.issuers[1].jwks-uri", () -> backend.baseUrl() + "/failing/jwks.json");
		// where spans would go if tracing were on
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint", () -> collector.baseUrl() + "/v1/traces");
	}

	@AfterAll
	static void stop() {
		backend.stop();
		collector.stop();
	}

	@BeforeEach
	void reset() {
		backend.resetAll();
		backend.stubFor(any(anyUrl()).willReturn(ok("from backend")));
		backend.stubFor(any(urlEqualTo("/failing/jwks.json")).willReturn(serverError()));
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	@Test
	void everyMetricTheDashboardAndTheAlertsUseIsExported() throws IOException {
		// traffic that makes every lazily registered meter appear: a limited route whose
		// store (Redis) is down, a refusal, an unreachable backend, a failing JWKS
		this.client.get()
			.uri("/traced/x")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token())
			.exchange()
			.expectStatus()
			.isOk();
		this.client.get().uri("/traced/x").exchange().expectStatus().isUnauthorized();
		this.client.get().uri("/unreachable/x").exchange().expectStatus().isEqualTo(502);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> scrape().contains("gatehouse_jwks_fetch_total{") && scrape().contains("outcome=\"failure\""));

		Set<String> used = new TreeSet<>();
		used.addAll(dashboardMetrics());
		used.addAll(alertMetrics());
		assertThat(used).contains("gatehouse_gateway_refusals_total", "gatehouse_jwks_fetch_total",
				"gatehouse_gateway_ratelimit_store_failures_total",
				"gatehouse_gateway_revocation_last_sync_age_seconds", "spring_cloud_gateway_requests_seconds_count",
				"gatehouse_gateway_access_log_dropped_total", "gatehouse_gateway_routes_reload_total");
		Set<String> exported = exportedNames(scrape());
		List<String> missing = new ArrayList<>();
		for (String name : used) {
			if (!exported.contains(name)) {
				missing.add(name);
			}
		}
		assertThat(missing).as("used by deploy/ but not on /actuator/prometheus").isEmpty();
	}

	@Test
	void logLevelChecksOnTheEventLoopRunThroughNoTurboFilter() {
		ch.qos.logback.classic.LoggerContext logging = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory
			.getILoggerFactory();
		assertThat(logging.getTurboFilterList()).isEmpty();
		assertThat(exportedNames(scrape())).doesNotContain("logback_events_total");
	}

	@Test
	void withTracingOffNoSpanIsMadeOrExportedAndNoTraceparentIsSent(CapturedOutput output) {
		assertThat(this.context.getBeanNamesForType(io.micrometer.tracing.Tracer.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(io.opentelemetry.sdk.trace.export.SpanExporter.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(io.micrometer.tracing.handler.TracingObservationHandler.class))
			.isEmpty();
		this.client.get().uri("/open/x").header("X-Request-Id", "untraced").exchange().expectStatus().isOk();
		assertThat(backend.findAll(anyRequestedFor(urlEqualTo("/open/x")))).singleElement()
			.satisfies((request) -> assertThat(request.containsHeader("traceparent")).isFalse());
		await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().contains("\"requestId\":\"untraced\""));
		assertThat(output.getOut().lines().filter((line) -> line.contains("\"requestId\":\"untraced\"")))
			.singleElement()
			.satisfies((line) -> assertThat(line).doesNotContain("traceId"));
		assertThat(collector.getAllServeEvents()).isEmpty();
	}

	@Test
	void withTracingOffARequestStartsNoObservationAndRestoresNoThreadLocalYetRoutedRequestsAreTimed() {
		String token = token();
		for (int i = 0; i < 3; i++) {
			this.client.get()
				.uri("/traced/warm-up")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
				.exchange()
				.expectStatus()
				.isOk();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> routedCount("traced") >= 3);
		double before = routedCount("traced");
		observationsStarted.set(0);
		scopesOpened.set(0);
		for (int i = 0; i < 10; i++) {
			this.client.get()
				.uri("/traced/x")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
				.exchange()
				.expectStatus()
				.isOk();
		}
		// no http.server.requests (it follows tracing), no http.client.requests, no
		// observation for token verification or the rate limit, and no observation scope
		// (thread-local restoration by Reactor) on the request path
		assertThat(observationsStarted.get()).isZero();
		assertThat(scopesOpened.get()).isZero();
		// the routed-request timer of the dashboard and the alerts times them all the
		// same, each once (Gatehouse's timer, not Spring Cloud Gateway's filter too)
		await().atMost(Duration.ofSeconds(5)).until(() -> routedCount("traced") >= before + 10);
		assertThat(routedCount("traced")).isEqualTo(before + 10);
		assertThat(exportedNames(scrape())).doesNotContain("http_server_requests_seconds_count")
			.contains("spring_cloud_gateway_routes_count");
	}

	/** {@code spring.cloud.gateway.requests} count of a route's 200 answers to GET. */
	private double routedCount(String routeId) {
		return scrape().lines()
			.filter((line) -> line.startsWith("spring_cloud_gateway_requests_seconds_count{")
					&& line.contains("routeId=\"" + routeId + "\"") && line.contains("httpStatusCode=\"200\"")
					&& line.contains("httpMethod=\"GET\""))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private String scrape() {
		return WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	/** Sample names in a Prometheus text exposition. */
	static Set<String> exportedNames(String exposition) {
		Set<String> names = new TreeSet<>();
		for (String line : exposition.split("\n")) {
			Matcher name = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(line);
			if (!line.startsWith("#") && name.find()) {
				names.add(name.group(1));
			}
		}
		return names;
	}

	private static Set<String> dashboardMetrics() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		Set<String> names = new TreeSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.path("targets")) {
				names.addAll(metricNames(target.get("expr").asString()));
			}
		}
		return names;
	}

	@SuppressWarnings("unchecked")
	private static Set<String> alertMetrics() throws IOException {
		Map<String, Object> rules = new Yaml().load(Files.readString(ALERTS));
		Set<String> names = new TreeSet<>();
		for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
			for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
				names.addAll(metricNames((String) rule.get("expr")));
			}
		}
		return names;
	}

	/**
	 * The metric names in a PromQL expression: identifiers that are not inside label
	 * matchers, ranges or grouping clauses, not functions, not keywords.
	 */
	static Set<String> metricNames(String expr) {
		String bare = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
			.replaceAll("\\{[^}]*}", " ")
			.replaceAll("\\[[^]]*]", " ")
			.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
		Set<String> keywords = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
				"unless", "bool", "offset", "inf", "nan");
		Set<String> names = new TreeSet<>();
		Matcher identifier = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\\w)(\\s*\\()?").matcher(bare);
		while (identifier.find()) {
			String name = identifier.group(1);
			if (identifier.group(2) == null && !keywords.contains(name.toLowerCase(java.util.Locale.ROOT))) {
				names.add(name);
			}
		}
		return names;
	}

	private static String token() {
		return Jwts.builder()
			.issuer("http://tracing.test")
			.subject("alice")
			.audience()
			.add("gatehouse")
			.and()
			.issuedAt(new Date())
			.expiration(Date.from(Instant.now().plusSeconds(300)))
			.signWith(Keys.hmacShaKeyFor(SECRET.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
			.compact();
	}

	/** Counts every observation started and every observation scope opened. */
	@TestConfiguration(proxyBeanMethods = false)
	static class ObservationCounting {

		@Bean
		ObservationHandler<Observation.Context> countingObservationHandler() {
			return new ObservationHandler<>() {

				@Override
				public void onStart(Observation.Context context) {
					observationsStarted.incrementAndGet();
				}

				@Override
				public void onScopeOpened(Observation.Context context) {
					scopesOpened.incrementAndGet();
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}

			};
		}

	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
