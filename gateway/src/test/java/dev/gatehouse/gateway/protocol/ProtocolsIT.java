package dev.gatehouse.gateway.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.WebsocketClientSpec;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.gateway.support.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the public port carries besides short HTTP/1.1 exchanges, against a real gateway
 * and a Reactor Netty backend: HTTP/2 cleartext next to HTTP/1.1 with the same
 * enforcement, request bodies bounded and streamed, server-sent events unbuffered and
 * streaming routes without response timeout, and WebSockets authenticated at the upgrade.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.http2.enabled=true" })
@ActiveProfiles("protocols")
class ProtocolsIT {

	private static final KeyPair KEYS = TestTokens.rsa();

	private static final StreamingBackend backend = new StreamingBackend();

	private static final HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

	private static final HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		Path key = Files.createTempFile("gatehouse-protocols", ".pem");
		Files.writeString(key,
				"-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(KEYS.getPublic().getEncoded())
						+ "\n-----END PUBLIC KEY-----\n");
		registry.add("gatehouse.test.backend-url", backend::baseUrl);
		registry.add("gatehouse.test.public-key-file", key::toString);
	}

	@AfterAll
	static void stopBackend() {
		backend.close();
	}

	@BeforeEach
	void resetBackend() {
		backend.requests.set(0);
		backend.lastHeaders.set(null);
	}

	private static String token(String... roles) {
		return TestTokens.accessToken(KEYS, Instant.now()).claim("roles", List.of(roles)).compact();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> get(HttpClient client, String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	// HTTP/2

	@Test
	void http2CleartextAndHttp11AreEnforcedAlike() throws Exception {
		for (HttpClient client : List.of(h2c, http11)) {
			String name = client.version().name();
			HttpResponse<String> missing = get(client, "/api/x", null);
			assertThat(missing.statusCode()).as(name).isEqualTo(401);
			assertThat(missing.version()).as(name).isEqualTo(client.version());
			assertThat(missing.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(missing.headers().firstValue("WWW-Authenticate"))
				.hasValueSatisfying((value) -> assertThat(value).startsWith("Bearer"));
			assertThat(get(client, "/admin/x", token("user")).statusCode()).as(name).isEqualTo(403);
			assertThat(backend.requests.get()).as(name).isZero();
			HttpResponse<String> allowed = get(client, "/api/x", token("user"));
			assertThat(allowed.statusCode()).as(name).isEqualTo(200);
			assertThat(allowed.version()).as(name).isEqualTo(client.version());
			assertThat(backend.header("X-Auth-Subject")).as(name).isEqualTo("alice");
			assertThat(backend.header("X-Auth-Roles")).as(name).isEqualTo("user");
			assertThat(backend.header("Authorization")).as(name).isNull();
			backend.requests.set(0);
		}
	}

	@Test
	void rateLimitsCountHttp2RequestsLikeAnyOther() throws Exception {
		String token = TestTokens.accessToken(KEYS, Instant.now()).subject("h2-limited").compact();
		assertThat(get(h2c, "/limited/x", token).statusCode()).isEqualTo(200);
		assertThat(get(http11, "/limited/x", token).statusCode()).isEqualTo(200);
		HttpResponse<String> refused = get(h2c, "/limited/x", token);
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.version()).isEqualTo(HttpClient.Version.HTTP_2);
	}

	// request sizes

	@Test
	void aDeclaredLengthAboveTheRouteLimitIs413BeforeTheBackendIsCalled() throws IOException {
		// the headers alone: the body is never read
		String response = raw("POST /small/upload HTTP/1.1\r\nHost: gw\r\nContent-Length: 5000\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 413");
		assertThat(response).containsIgnoringCase("content-type: application/problem+json");
		assertThat(response).contains("content-too-large");
		// the default limit (10MB) on a route without its own
		assertThat(raw("POST /public/upload HTTP/1.1\r\nHost: gw\r\nContent-Length: 10485761\r\n\r\n"))
			.startsWith("HTTP/1.1 413");
		assertThat(backend.requests.get()).isZero();
	}

	@Test
	void aChunkedBodyIsCountedAsItStreamsAnd413OncePastTheLimit() throws Exception {
		for (HttpClient client : List.of(http11, h2c)) {
			HttpResponse<String> within = client.send(upload("/small/upload", 1024),
					HttpResponse.BodyHandlers.ofString());
			assertThat(within.statusCode()).isEqualTo(200);
			assertThat(within.body()).isEqualTo("1024");
			HttpResponse<String> above = client.send(upload("/small/upload", 64 * 1024),
					HttpResponse.BodyHandlers.ofString());
			assertThat(above.statusCode()).as(client.version().name()).isEqualTo(413);
			assertThat(above.body()).contains("content-too-large");
		}
	}

	@Test
	void hundredsOfMegabytesStreamThroughWithoutBeingBuffered() throws Exception {
		long size = 200L * 1024 * 1024;
		AtomicLong lastByteSent = new AtomicLong();
		HttpRequest request = HttpRequest.newBuilder(uri("/upload/upload"))
			.header("Authorization", "Bearer " + token("user"))
			.timeout(Duration.ofSeconds(120))
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(size, lastByteSent)))
			.build();
		HttpResponse<String> response = http11.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(Long.toString(size));
		// the backend had its first bytes long before the client produced its last ones
		assertThat(backend.firstByteNanos.get()).isPositive().isLessThan(lastByteSent.get());
	}

	// streaming

	@Test
	void theFirstServerSentEventArrivesBeforeTheBackendHasFinished() throws Exception {
		HttpResponse<Stream<String>> response = http11.send(HttpRequest.newBuilder(uri("/public/events")).build(),
				HttpResponse.BodyHandlers.ofLines());
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		Iterator<String> lines = response.body().iterator();
		// the backend holds its second event until released: the first must already be
		// here
		assertThat(lines.next()).isEqualTo("data: first");
		backend.releaseStreams();
		assertThat(lines.next()).isEmpty();
		assertThat(lines.next()).isEqualTo("data: second");
	}

	@Test
	void aStreamingRouteIsNotCutByTheResponseTimeout() throws Exception {
		// the backend answers after 1.5 s, the response timeout is 500 ms
		assertThat(get(http11, "/public/late", null).statusCode()).isEqualTo(504);
		HttpResponse<String> streamed = get(http11, "/stream/late", null);
		assertThat(streamed.statusCode()).isEqualTo(200);
		assertThat(streamed.body()).isEqualTo("late");
	}

	@Test
	void theResponseTimeoutEndsWithTheResponseHeaders() throws Exception {
		// headers at once, the body's end 1.5 s later: the 500 ms response timeout is
		// over
		HttpResponse<String> response = get(http11, "/public/slow-body", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("start end");
	}

	@Test
	void theResponseTimeoutStartsNoReactorTimerPerCall() throws Exception {
		// Reactor's timeout() starts a delay on a scheduler per call, a queue insert and
		// removal each time; the gateway's deadlines are swept by the event loop instead.
		// The backend here answers late by a timer of its own event loop's
		Set<String> delaysStartedOn = ConcurrentHashMap.newKeySet();
		Schedulers.onScheduleHook("protocols-it", (task) -> {
			boolean delay = StackWalker.getInstance()
				.walk((frames) -> frames
					.anyMatch((frame) -> frame.getClassName().equals("reactor.core.publisher.MonoDelay")
							&& frame.getMethodName().equals("subscribe")));
			if (delay) {
				delaysStartedOn.add(Thread.currentThread().getName());
			}
			return task;
		});
		try {
			assertThat(get(http11, "/public/late", null).statusCode()).isEqualTo(504);
		}
		finally {
			Schedulers.resetOnScheduleHook("protocols-it");
		}
		assertThat(delaysStartedOn).isEmpty();
	}

	// WebSocket

	@Test
	void aWebSocketUpgradeWithoutAcceptableTokenIsRefusedBeforeTheBackend() {
		assertThat(upgradeStatus("/api/ws", null, "chat")).isEqualTo(401);
		assertThat(upgradeStatus("/api/ws?access_token=" + token("user"), null, "chat")).isEqualTo(401);
		assertThat(upgradeStatus("/admin/ws", "Bearer " + token("user"), "chat")).isEqualTo(403);
		assertThat(upgradeStatus("/api/ws", "Bearer " + token("user"), "chat,access_token." + token("user")))
			.isEqualTo(400);
		assertThat(backend.requests.get()).isZero();
	}

	@Test
	void aWebSocketWithAnAuthorizationHeaderIsProxiedBothWaysWithIdentityHeaders() {
		List<String> echoed = echo("/api/ws", "Bearer " + token("user"), "chat");
		assertThat(echoed).containsExactly("chat", "hello");
		assertThat(backend.header("X-Auth-Subject")).isEqualTo("alice");
		assertThat(backend.header("Authorization")).isNull();
	}

	@Test
	void aBrowserSendsItsTokenAsSubprotocolWhichIsNeitherForwardedNorEchoed() {
		List<String> echoed = echo("/api/ws", null, "access_token." + token("user") + ", chat");
		// the chosen subprotocol is the application's, never the token
		assertThat(echoed).containsExactly("chat", "hello");
		assertThat(backend.header("X-Auth-Subject")).isEqualTo("alice");
		assertThat(backend.header("Sec-WebSocket-Protocol")).isEqualTo("chat");
	}

	@Test
	void rateLimitsCountWebSocketUpgrades() {
		String token = "Bearer " + TestTokens.accessToken(KEYS, Instant.now()).subject("ws-limited").compact();
		assertThat(echo("/limited/ws", token, "chat")).containsExactly("chat", "hello");
		assertThat(echo("/limited/ws", token, "chat")).containsExactly("chat", "hello");
		assertThat(upgradeStatus("/limited/ws", token, "chat")).isEqualTo(429);
	}

	/** Opens the WebSocket, sends "hello", returns [chosen subprotocol, the echo]. */
	private List<String> echo(String path, String authorization, String protocols) {
		return websocket(authorization).websocket(WebsocketClientSpec.builder().protocols(protocols).build())
			.uri("ws://127.0.0.1:" + this.port + path)
			.handle((in, out) -> out.sendString(Mono.just("hello"))
				.then()
				.thenMany(in.receive().asString().take(1).map((text) -> List.of(in.selectedSubprotocol(), text))))
			.blockFirst(Duration.ofSeconds(10));
	}

	private int upgradeStatus(String path, String authorization, String protocols) {
		try {
			echo(path, authorization, protocols);
		}
		catch (WebSocketClientHandshakeException ex) {
			return ex.response().status().code();
		}
		throw new AssertionError("the upgrade succeeded");
	}

	private static reactor.netty.http.client.HttpClient websocket(String authorization) {
		reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.create();
		return (authorization != null) ? client.headers((headers) -> headers.set("Authorization", authorization))
				: client;
	}

	private HttpRequest upload(String path, int size) {
		return HttpRequest.newBuilder(uri(path))
			.timeout(Duration.ofSeconds(20))
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(size, new AtomicLong())))
			.build();
	}

	private String raw(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			StringBuilder response = new StringBuilder();
			int read;
			while (!response.toString().contains("\"status\"") && (read = in.read(buffer)) > 0) {
				response.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
			}
			return response.toString();
		}
	}

	/**
	 * {@code size} zero bytes of unknown length (sent chunked), made as they are read.
	 */
	private static final class Zeros extends InputStream {

		private long left;

		private final AtomicLong done;

		Zeros(long size, AtomicLong done) {
			this.left = size;
			this.done = done;
		}

		@Override
		public int read() {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : 0;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			if (this.left <= 0) {
				this.done.compareAndSet(0, System.nanoTime());
				return -1;
			}
			int n = (int) Math.min(length, this.left);
			java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
			this.left -= n;
			return n;
		}

	}

}
