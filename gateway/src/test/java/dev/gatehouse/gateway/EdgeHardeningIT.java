package dev.gatehouse.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client-facing edge of a real gateway, spoken to over raw sockets so every byte is
 * the test's choice: forwarded headers on a platform Spring Boot detects (simulated
 * Kubernetes, with {@code server.forward-headers-strategy} unset so Boot would switch
 * them on), method allow-list, strict UTF-8 paths, bodyless requests, and connections
 * that never complete a request head.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.cloud-platform=kubernetes",
				// unset, as if application.yml were replaced: Boot would deduce forwarded
				// headers from the platform
				"server.forward-headers-strategy=", "gatehouse.gateway.request-head-timeout=500ms",
				"server.netty.idle-timeout=1500ms" })
@ActiveProfiles("edge")
class EdgeHardeningIT {

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	static {
		backend.start();
	}

	@LocalServerPort
	int port;

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

	@Test
	void onADetectedCloudPlatformAClientsForwardedHeadersAreStillIgnored() throws IOException {
		String response = exchange("GET /public/x HTTP/1.1\r\nHost: gw.example\r\nX-Forwarded-For: 203.0.113.9\r\n"
				+ "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\nConnection: close\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200");
		LoggedRequest received = onlyBackendRequest();
		assertThat(received.header("X-Forwarded-For").values()).containsExactly("127.0.0.1");
		assertThat(received.header("X-Forwarded-Proto").values()).containsExactly("http");
		assertThat(received.header("X-Forwarded-Host").values()).containsExactly("gw.example");
	}

	@Test
	void onADetectedCloudPlatformAClientsForwardedForDoesNotChooseItsIpRateLimitKey() throws IOException {
		assertThat(exchange(get("/ip-limited/a", "X-Forwarded-For: 198.51.100.1"))).startsWith("HTTP/1.1 200");
		// a different claimed address, same socket peer: the same (exhausted) counter
		assertThat(exchange(get("/ip-limited/b", "X-Forwarded-For: 198.51.100.2"))).startsWith("HTTP/1.1 429");
	}

	@Test
	void traceAndUnlistedMethodsAre405WithAllowAndNeverReachTheBackend() throws IOException {
		for (String method : List.of("TRACE", "PROPFIND", "CONNECT")) {
			String target = "CONNECT".equals(method) ? "127.0.0.1:" + this.port : "/public/x";
			String response = exchange(
					method + " " + target + " HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\n\r\n");
			assertThat(response).as(method).startsWith("HTTP/1.1 405");
			assertThat(header(response, "Allow")).as(method).isEqualTo("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
			assertThat(header(response, "Content-Type")).as(method).startsWith("application/problem+json");
		}
		assertThat(backend.getAllServeEvents()).isEmpty();
	}

	@Test
	void pathsWhosePercentEncodedBytesAreNotUtf8Are400() throws IOException {
		for (String path : List.of("/public/%c0%ae%c0%ae/x", "/public/%C0%AE", "/public/%e0%80%ae", "/public/%80",
				"/public/%ed%a0%80", "/public/%e2%82", "/public/%f4%90%80%80", "/public/%ff",
				"/public/a%e2%82%ac%e2")) {
			String response = exchange(get(path));
			assertThat(response).as(path).startsWith("HTTP/1.1 400");
			assertThat(header(response, "Content-Type")).as(path).startsWith("application/problem+json");
		}
		assertThat(backend.getAllServeEvents()).isEmpty();
		assertThat(exchange(get("/public/caf%c3%a9/%e2%82%ac/%f0%9f%98%80"))).startsWith("HTTP/1.1 200");
		assertThat(onlyBackendRequest().getUrl()).isEqualTo("/public/caf%c3%a9/%e2%82%ac/%f0%9f%98%80");
	}

	@Test
	void rawNonAsciiBytesInThePathAre400() throws IOException {
		// an overlong dot and a UTF-8 e-acute sent as raw bytes instead of
		// percent-encoded (RFC 9112 allows neither)
		for (String path : List.of("/public/\u00c0\u00ae\u00c0\u00ae/x", "/public/caf\u00c3\u00a9")) {
			byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1);
			try (Socket socket = connect()) {
				socket.setSoTimeout(10_000);
				socket.getOutputStream().write(request);
				ByteArrayOutputStream response = new ByteArrayOutputStream();
				socket.getInputStream().transferTo(response);
				assertThat(response.toString(StandardCharsets.UTF_8)).startsWith("HTTP/1.1 400");
			}
		}
		assertThat(backend.getAllServeEvents()).isEmpty();
	}

	@Test
	void bodylessRequestsReachTheBackendWithoutChunkedTransferEncoding() throws IOException {
		for (String request : List.of("OPTIONS /public/x HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\n\r\n",
				"POST /public/x HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\n\r\n",
				"POST /public/x HTTP/1.1\r\nHost: gw.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
				"PUT /public/x HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\n\r\n",
				"PATCH /public/x HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\n\r\n",
				"DELETE /public/x HTTP/1.1\r\nHost: gw.example\r\nConnection: close\r\n\r\n")) {
			backend.resetRequests();
			String line = request.substring(0, request.indexOf('\r'));
			assertThat(exchange(request)).as(line).startsWith("HTTP/1.1 200");
			LoggedRequest received = onlyBackendRequest();
			assertThat(received.containsHeader("Transfer-Encoding")).as(line).isFalse();
			assertThat(received.getBody()).as(line).isEmpty();
		}
	}

	@Test
	void aRequestBodyIsStillForwardedWhole() throws IOException {
		String response = exchange("POST /public/x HTTP/1.1\r\nHost: gw.example\r\nContent-Type: text/plain\r\n"
				+ "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200");
		assertThat(onlyBackendRequest().getBodyAsString()).isEqualTo("hello");
		backend.resetRequests();
		response = exchange("PUT /public/x HTTP/1.1\r\nHost: gw.example\r\nContent-Type: text/plain\r\n"
				+ "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
		assertThat(response).startsWith("HTTP/1.1 200");
		assertThat(onlyBackendRequest().getBodyAsString()).isEqualTo("hello");
	}

	@Test
	void aConnectionThatSendsNoBytesIsClosedAfterTheRequestHeadTimeout() throws IOException {
		try (Socket socket = connect()) {
			long started = System.nanoTime();
			assertThat(readsUntilClosed(socket)).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
		}
	}

	@Test
	void aConnectionThatSendsHalfARequestLineIsClosedAfterTheRequestHeadTimeout() throws IOException {
		try (Socket socket = connect()) {
			socket.getOutputStream().write("GET /public/x HT".getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			assertThat(readsUntilClosed(socket)).isTrue();
		}
		assertThat(backend.getAllServeEvents()).isEmpty();
	}

	@Test
	void aRequestHeadDrippedByteByByteIsCutOffAtTheTimeout() throws IOException, InterruptedException {
		byte[] head = ("GET /public/x HTTP/1.1\r\nHost: gw.example\r\nX-Padding: " + "a".repeat(200) + "\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		long started = System.nanoTime();
		boolean cutOff = false;
		try (Socket socket = connect()) {
			OutputStream out = socket.getOutputStream();
			// one byte every 50 ms would take over ten seconds; the head timeout is 500
			// ms
			for (int i = 0; i < head.length && !cutOff; i++) {
				try {
					out.write(head[i]);
					out.flush();
				}
				catch (IOException closed) {
					cutOff = true;
				}
				Thread.sleep(50);
				socket.setSoTimeout(1);
				try {
					cutOff |= socket.getInputStream().read() == -1;
				}
				catch (SocketTimeoutException stillOpen) {
					// nothing to read yet
				}
				catch (IOException reset) {
					cutOff = true;
				}
			}
		}
		assertThat(cutOff).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
		assertThat(backend.getAllServeEvents()).isEmpty();
	}

	@Test
	void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
		try (Socket socket = connect()) {
			socket.getOutputStream()
				.write(get("/public/x").replace("Connection: close\r\n", "").getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			long started = System.nanoTime();
			// reads the response, then nothing more until the gateway closes the idle
			// connection
			assertThat(readsUntilClosed(socket)).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
		}
		assertThat(onlyBackendRequest().getUrl()).isEqualTo("/public/x");
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
		return socket;
	}

	/**
	 * Whether the gateway closes the connection within ten seconds (bounded: never hangs
	 * the build).
	 */
	private static boolean readsUntilClosed(Socket socket) throws IOException {
		socket.setSoTimeout(10_000);
		try {
			InputStream in = socket.getInputStream();
			while (in.read() != -1) {
				// drain whatever the gateway says before closing
			}
			return true;
		}
		catch (SocketTimeoutException stillOpen) {
			return false;
		}
		catch (IOException reset) {
			return true;
		}
	}

	private static String get(String path, String... headers) {
		StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: gw.example\r\n");
		for (String header : headers) {
			request.append(header).append("\r\n");
		}
		return request.append("Connection: close\r\n\r\n").toString();
	}

	/**
	 * Sends one request as written and reads the whole response (the request says
	 * {@code Connection: close}).
	 */
	private String exchange(String request) throws IOException {
		try (Socket socket = connect()) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			socket.getInputStream().transferTo(response);
			return response.toString(StandardCharsets.UTF_8);
		}
	}

	private static String header(String response, String name) {
		for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
				return line.substring(colon + 1).trim();
			}
		}
		return null;
	}

	private static LoggedRequest onlyBackendRequest() {
		List<LoggedRequest> requests = backend.findAll(anyRequestedFor(anyUrl()));
		assertThat(requests).hasSize(1);
		return requests.get(0);
	}

}
