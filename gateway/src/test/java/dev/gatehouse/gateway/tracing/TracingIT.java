package dev.gatehouse.gateway.tracing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracing switched on with Spring Boot's own properties, exporting over OTLP/HTTP to a
 * real receiver (a WireMock endpoint at {@code /v1/traces} whose protobuf bodies the test
 * decodes): the request's span, its children for token verification, the rate limit and
 * the backend call, W3C {@code traceparent} to the backend, and the trace id in the
 * access log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.export.enabled=true", "management.tracing.sampling.probability=1.0",
				"management.opentelemetry.tracing.export.schedule-delay=100ms",
				// the access log's other output: its lines as they are on standard output
				"gatehouse.gateway.access-log.output=stdout" })
@ActiveProfiles("observability")
@ExtendWith(OutputCaptureExtension.class)
class TracingIT {

	private static final String SECRET = "tracing-shared-secret-of-at-least-32-bytes!";

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	private static final WireMockServer collector = new WireMockServer(options().dynamicPort());

	static {
		backend.start();
		collector.start();
	}

	@LocalServerPort
	int port;

	private WebTestClient client;

	@DynamicPropertySource
	static void addresses(DynamicPropertyRegistry registry) {
		registry.add("gatehouse.test.backend-url", backend::baseUrl);
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint", () -> collector.baseUrl() + "/v1/traces");
	}

	@AfterAll
	static void stop() {
		backend.stop();
		collector.stop();
	}

	@BeforeEach
	void reset() {
		this.client = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(Duration.ofSeconds(30))
			.build();
		backend.resetAll();
		backend.stubFor(any(anyUrl()).willReturn(ok("from backend")));
		collector.resetAll();
		collector.stubFor(post("/v1/traces").willReturn(ok()));
	}

	@Test
	void aRequestIsOneTraceFromGatewayToBackendWithSpansForVerificationLimitAndUpstream(CapturedOutput output) {
		this.client.get()
			.uri("/traced/items")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token())
			.header("X-Request-Id", "traced-request")
			.exchange()
			.expectStatus()
			.isOk();
		String[] traceparent = onlyBackendRequest().getHeader("traceparent").split("-");
		assertThat(traceparent).hasSize(4);
		assertThat(traceparent[0]).isEqualTo("00");
		assertThat(traceparent[3]).isEqualTo("01");
		String traceId = traceparent[1];
		String backendParent = traceparent[2];

		List<Span> trace = awaitSpans(traceId, 4);
		Span server = only(trace, Span.SpanKind.SPAN_KIND_SERVER);
		Span upstream = only(trace, Span.SpanKind.SPAN_KIND_CLIENT);
		assertThat(hex(server.getParentSpanId())).as("the gateway starts the trace").isEmpty();
		assertThat(hex(upstream.getSpanId())).as("the backend's parent is the gateway's upstream call")
			.isEqualTo(backendParent);
		assertThat(hex(upstream.getParentSpanId())).isEqualTo(hex(server.getSpanId()));
		Span verification = named(trace, "token verification");
		Span limit = named(trace, "rate limit");
		assertThat(hex(verification.getParentSpanId())).isEqualTo(hex(server.getSpanId()));
		assertThat(hex(limit.getParentSpanId())).isEqualTo(hex(server.getSpanId()));
		assertThat(limit.getAttributesList()).anySatisfy((attribute) -> {
			assertThat(attribute.getKey()).isEqualTo("route");
			assertThat(attribute.getValue().getStringValue()).isEqualTo("traced");
		});

		await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().contains("\"requestId\":\"traced-request\""));
		assertThat(accessLogLine(output, "traced-request")).startsWith("{\"time\":")
			.contains("\"traceId\":\"" + traceId + "\"");
	}

	@Test
	void aClientsTraceparentIsContinuedNotReplaced() {
		String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
		String clientSpan = "00f067aa0ba902b7";
		this.client.get()
			.uri("/open/x")
			.header("traceparent", "00-" + clientTrace + "-" + clientSpan + "-01")
			.exchange()
			.expectStatus()
			.isOk();
		String[] traceparent = onlyBackendRequest().getHeader("traceparent").split("-");
		assertThat(traceparent[1]).isEqualTo(clientTrace);
		assertThat(traceparent[2]).as("the gateway's own span, not the client's").isNotEqualTo(clientSpan);
		Span server = only(awaitSpans(clientTrace, 2), Span.SpanKind.SPAN_KIND_SERVER);
		assertThat(hex(server.getParentSpanId())).isEqualTo(clientSpan);
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

	private static LoggedRequest onlyBackendRequest() {
		List<LoggedRequest> requests = backend.findAll(anyRequestedFor(anyUrl()));
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

	/** Waits until the receiver has at least {@code count} spans of the trace. */
	private static List<Span> awaitSpans(String traceId, int count) {
		List<Span> trace = new ArrayList<>();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
			trace.clear();
			trace.addAll(exported(traceId));
			return trace.size() >= count;
		});
		return trace;
	}

	private static List<Span> exported(String traceId) throws InvalidProtocolBufferException {
		List<Span> spans = new ArrayList<>();
		for (LoggedRequest request : collector.findAll(postRequestedFor(urlEqualTo("/v1/traces")))) {
			assertThat(request.getHeader("Content-Type")).isEqualTo("application/x-protobuf");
			ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(request.getBody());
			for (ResourceSpans resource : export.getResourceSpansList()) {
				for (ScopeSpans scope : resource.getScopeSpansList()) {
					for (Span span : scope.getSpansList()) {
						if (hex(span.getTraceId()).equals(traceId)) {
							spans.add(span);
						}
					}
				}
			}
		}
		return spans;
	}

	private static Span only(List<Span> trace, Span.SpanKind kind) {
		List<Span> spans = trace.stream().filter((span) -> span.getKind() == kind).toList();
		assertThat(spans).as(kind + " spans in " + names(trace)).hasSize(1);
		return spans.get(0);
	}

	private static Span named(List<Span> trace, String name) {
		List<Span> spans = trace.stream().filter((span) -> span.getName().equals(name)).toList();
		assertThat(spans).as(name + " spans in " + names(trace)).hasSize(1);
		return spans.get(0);
	}

	private static List<String> names(List<Span> trace) {
		return trace.stream().map((span) -> span.getName() + " (" + span.getKind() + ")").toList();
	}

	private static String hex(ByteString bytes) {
		return HexFormat.of().formatHex(bytes.toByteArray());
	}

	private static String accessLogLine(CapturedOutput output, String requestId) {
		for (String line : output.getOut().split("\n")) {
			if (line.contains("{\"time\"") && line.contains("\"requestId\":\"" + requestId + "\"")) {
				return line;
			}
		}
		throw new AssertionError("no access log line for " + requestId);
	}

}
