package dev.gatehouse.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness by the child's own answer: a squatter on the port, however healthy it claims
 * to be, never passes.
 */
class ReadinessProbeTests {

	private HttpServer http;

	private final Supervisor supervisor = new Supervisor(Duration.ofMillis(100));

	@TempDir
	Path dir;

	@AfterEach
	void stop() {
		if (this.http != null) {
			this.http.stop(0);
		}
		this.supervisor.stopAll(Duration.ofSeconds(5));
	}

	@Test
	void aServerThatSaysUpEverywhereExceptUnderTheChildsGroupIsNotTheChild() throws Exception {
		String base = serveHealth("/actuator/health", 200, "{\"status\":\"UP\"}");

		assertThat(ReadinessProbe.springHealthGroup(base, "demo-launcher-0011").isReady(1)).isFalse();
	}

	@Test
	void aServerThatSaysUpToEveryPathIsNotTheChild() throws Exception {
		String base = serveHealth("/", 200, "{\"status\":\"UP\"}");

		assertThat(ReadinessProbe.springHealthGroup(base, "demo-launcher-0011").isReady(1)).isFalse();
	}

	@Test
	void theChildsHealthGroupSayingUpIsReady() throws Exception {
		String base = serveHealth("/actuator/health/demo-launcher-0011", 200,
				"{\"status\":\"UP\",\"components\":{\"ping\":{\"status\":\"UP\"}}}");

		assertThat(ReadinessProbe.springHealthGroup(base, "demo-launcher-0011").isReady(1)).isTrue();
	}

	@Test
	void theChildsHealthGroupSayingDownOrOutOfServiceIsNotReady() throws Exception {
		String down = serveHealth("/actuator/health/g", 503, "{\"status\":\"DOWN\"}");
		assertThat(ReadinessProbe.springHealthGroup(down, "g").isReady(1)).isFalse();
		this.http.stop(0);
		String outOfService = serveHealth("/actuator/health/g", 200, "{\"status\":\"OUT_OF_SERVICE\"}");
		assertThat(ReadinessProbe.springHealthGroup(outOfService, "g").isReady(1)).isFalse();
	}

	@Test
	void nobodyListeningIsNotReady() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		assertThat(ReadinessProbe.springHealthGroup("http://127.0.0.1:" + port, "g").isReady(1)).isFalse();
		assertThat(ReadinessProbe.redisProcessId("127.0.0.1", port).isReady(1)).isFalse();
	}

	@Test
	void redisIsReadyWhenItReportsTheChildsOwnProcessIdAndOnlyThen() throws Exception {
		int port = freePort();
		List<String> command = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(port)
			.setting("save \"\"")
			.buildCommandArgs();
		ServiceProcess redis = new ServiceProcess("redis", this.dir.resolve("redis.log"));
		ReadinessProbe probe = ReadinessProbe.redisProcessId("127.0.0.1", port);

		this.supervisor.startAndAwaitReady(redis, command, probe, Duration.ofSeconds(60));

		assertThat(probe.isReady(redis.pid())).isTrue();
		assertThat(probe.isReady(redis.pid() + 1)).as("another Redis (another process id)").isFalse();
	}

	@Test
	void aServerSpeakingAnotherProtocolOnTheRedisPortIsNotRedis() throws Exception {
		try (ServerSocket squatter = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
			Thread answer = new Thread(() -> {
				try (Socket client = squatter.accept()) {
					OutputStream out = client.getOutputStream();
					out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
						.getBytes(StandardCharsets.US_ASCII));
					out.flush();
				}
				catch (IOException ex) {
					// the test fails on its own
				}
			});
			answer.start();

			assertThat(ReadinessProbe.redisProcessId("127.0.0.1", squatter.getLocalPort()).isReady(1)).isFalse();
			answer.join(5000);
		}
	}

	private String serveHealth(String path, int status, String body) throws IOException {
		this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.http.createContext("/", (exchange) -> {
			boolean match = path.equals("/") || exchange.getRequestURI().getPath().equals(path);
			byte[] bytes = (match ? body : "{\"status\":404}").getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(match ? status : 404, bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		this.http.start();
		return "http://127.0.0.1:" + this.http.getAddress().getPort();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
