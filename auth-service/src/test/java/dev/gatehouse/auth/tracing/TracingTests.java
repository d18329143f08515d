package dev.gatehouse.auth.tracing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.TestDatabase;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracing switched on with Spring Boot's own properties: a request that arrives with the
 * gateway's {@code traceparent} is exported over OTLP/HTTP (to a receiver in this test,
 * whose protobuf the test decodes) as a server span of the same trace, child of the
 * gateway's span.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.export.enabled=true", "management.tracing.sampling.probability=1.0",
				"management.opentelemetry.tracing.export.schedule-delay=100ms", "management.server.port=0" })
@ActiveProfiles("test")
class TracingTests {

	private static final List<byte[]> exports = new CopyOnWriteArrayList<>();

	private static final HttpServer receiver = receiver();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestDatabase.shared().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("management.opentelemetry.tracing.export.otlp.endpoint",
				() -> "http://127.0.0.1:" + receiver.getAddress().getPort() + "/v1/traces");
	}

	@AfterAll
	static void stop() {
		receiver.stop(0);
	}

	@Test
	void aRequestFromTheGatewayContinuesItsTrace() throws Exception {
		String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
		String gatewaySpan = "00f067aa0ba902b7";
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/.well-known/jwks.json"))
				.header("traceparent", "00-" + trace + "-" + gatewaySpan + "-01")
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10)).until(() -> serverSpan(trace) != null);
		Span server = serverSpan(trace);
		assertThat(HexFormat.of().formatHex(server.getParentSpanId().toByteArray())).isEqualTo(gatewaySpan);
	}

	private static Span serverSpan(String trace) throws IOException {
		for (byte[] body : exports) {
			for (var resource : ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()) {
				for (var scope : resource.getScopeSpansList()) {
					for (Span span : scope.getSpansList()) {
						if (span.getKind() == Span.SpanKind.SPAN_KIND_SERVER
								&& HexFormat.of().formatHex(span.getTraceId().toByteArray()).equals(trace)) {
							return span;
						}
					}
				}
			}
		}
		return null;
	}

	/** An OTLP/HTTP receiver: keeps every body posted to /v1/traces, answers 200. */
	private static HttpServer receiver() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/v1/traces", (exchange) -> {
				exports.add(exchange.getRequestBody().readAllBytes());
				exchange.sendResponseHeaders(200, -1);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
