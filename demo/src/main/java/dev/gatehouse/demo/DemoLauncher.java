package dev.gatehouse.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.github.tomakehurst.wiremock.WireMockServer;
import redis.embedded.RedisServer;

/**
 * Starts the demo stack of the contract's section 2 in one JVM and two child processes: an embedded Redis
 * ({@value #REDIS_PORT}), the WireMock demo backend ({@value #BACKEND_PORT}), the auth-service ({@value #AUTH_PORT})
 * and the gateway ({@value #GATEWAY_PORT}, management {@value #MANAGEMENT_PORT}), both with the {@code demo}
 * profile. Ctrl-C (or SIGTERM) stops everything; the data directory survives for the next start.
 */
public final class DemoLauncher {

	static final int GATEWAY_PORT = 8080;

	static final int MANAGEMENT_PORT = 8081;

	static final int AUTH_PORT = 9000;

	static final int BACKEND_PORT = 9100;

	/** Not 6379: machines often run a Redis there already. */
	static final int REDIS_PORT = 6390;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

	private static final Duration STOP_GRACE = Duration.ofSeconds(20);

	private final DemoSettings settings;

	private final ServiceProcess auth;

	private final ServiceProcess gateway;

	private RedisServer redis;

	private WireMockServer backend;

	private volatile boolean stopping;

	DemoLauncher(DemoSettings settings) {
		this.settings = settings;
		this.auth = new ServiceProcess("auth-service", settings.logDir().resolve("auth-service.log"),
				URI.create("http://localhost:" + AUTH_PORT + "/actuator/health"));
		this.gateway = new ServiceProcess("gateway", settings.logDir().resolve("gateway.log"),
				URI.create("http://localhost:" + MANAGEMENT_PORT + "/actuator/health"));
	}

	public static void main(String[] args) throws Exception {
		DemoLauncher launcher = new DemoLauncher(DemoSettings.fromEnvironment(System.getenv()));
		Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "demo-shutdown"));
		try {
			launcher.start();
		}
		catch (IllegalStateException ex) {
			System.err.println("[demo] " + ex.getMessage());
			System.exit(1);
		}
		launcher.printWelcome();
		int code = launcher.awaitChildExit();
		System.exit(code);
	}

	void start() throws IOException, InterruptedException {
		requireFreePorts();
		Path data = this.settings.dataDir();
		Files.createDirectories(data.resolve("redis"));
		Files.createDirectories(data.resolve("auth"));
		Files.createDirectories(this.settings.logDir());
		log("data directory " + data + " (kept between starts; delete it to start afresh)");

		// Redis keeps the revocation denylist and rate-limit counters; its append-only file keeps them across starts.
		this.redis = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(REDIS_PORT)
			.setting("dir " + data.resolve("redis"))
			.setting("appendonly yes")
			.setting("save \"\"")
			.soutListener(line -> { })
			.build();
		this.redis.start();
		log("embedded Redis on 127.0.0.1:" + REDIS_PORT);

		this.backend = DemoBackend.create(BACKEND_PORT);
		this.backend.start();
		log("demo backend (WireMock) on http://localhost:" + BACKEND_PORT);

		String redisHost = "--spring.data.redis.host=127.0.0.1";
		String redisPort = "--spring.data.redis.port=" + REDIS_PORT;
		List<String> authArgs = new ArrayList<>(List.of("--spring.profiles.active=demo",
				"--gatehouse.auth.data-dir=" + data.resolve("auth"), redisHost, redisPort));
		authArgs.addAll(this.settings.authArgs());
		log("starting auth-service, log: " + this.auth.log());
		this.auth.start(this.settings.authJar(), this.settings.javaOptions(), authArgs);
		this.auth.awaitHealthy(START_TIMEOUT);
		log("auth-service healthy on http://localhost:" + AUTH_PORT);

		List<String> gatewayArgs = new ArrayList<>(List.of("--spring.profiles.active=demo", redisHost, redisPort,
				"--gatehouse.gateway.rate-limit.store=redis"));
		gatewayArgs.addAll(this.settings.gatewayArgs());
		log("starting gateway, log: " + this.gateway.log());
		this.gateway.start(this.settings.gatewayJar(), this.settings.javaOptions(), gatewayArgs);
		this.gateway.awaitHealthy(START_TIMEOUT);
		log("gateway healthy on http://localhost:" + GATEWAY_PORT);
	}

	private void requireFreePorts() {
		for (int port : new int[] { GATEWAY_PORT, MANAGEMENT_PORT, AUTH_PORT, BACKEND_PORT, REDIS_PORT }) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
				throw new IllegalStateException("port " + port + " is already in use (is a demo already running?)");
			}
			catch (IOException ex) {
				// nobody listens: free
			}
		}
	}

	private void printWelcome() {
		String base = "http://localhost:" + GATEWAY_PORT;
		System.out.println("""

				Gatehouse demo is up.
				  gateway (single entry point)  %s
				  gateway management            http://localhost:%d/actuator/health
				  auth-service                  http://localhost:%d  (also %s/auth/...)
				  demo backend (WireMock)       http://localhost:%d
				  web page                      %s/app/
				  logs                          %s

				Users: johndoe/secret (user), alice/wonderland (user, admin), bob/builder (disabled).
				Try:
				  TOKEN=$(curl -s -d grant_type=password -d username=johndoe -d password=secret %s/auth/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
				  curl -s -H "Authorization: Bearer $TOKEN" %s/api/items
				  curl -si -H "Authorization: Bearer $TOKEN" %s/admin/dashboard    # 403: johndoe is not an admin

				Press Ctrl-C to stop everything.
				""".formatted(base, MANAGEMENT_PORT, AUTH_PORT, base, BACKEND_PORT, base, this.settings.logDir(), base,
				base, base));
	}

	/** Block until a child exits; that is a failure unless we are stopping. */
	private int awaitChildExit() {
		CompletableFuture.anyOf(this.auth.process().onExit(), this.gateway.process().onExit()).join();
		if (this.stopping) {
			return 0;
		}
		for (ServiceProcess child : List.of(this.auth, this.gateway)) {
			if (!child.process().isAlive()) {
				System.err.println("[demo] " + child.name() + " exited with code " + child.process().exitValue()
						+ "; see " + child.log());
			}
		}
		return 1;
	}

	/** Stop in reverse order of start; every step runs even when an earlier one fails. */
	void stop() {
		this.stopping = true;
		log("stopping");
		this.gateway.stop(STOP_GRACE);
		this.auth.stop(STOP_GRACE);
		if (this.backend != null && this.backend.isRunning()) {
			this.backend.stop();
		}
		if (this.redis != null) {
			try {
				this.redis.stop();
			}
			catch (IOException ex) {
				System.err.println("[demo] stopping Redis failed: " + ex.getMessage());
			}
		}
		log("stopped");
	}

	private static void log(String message) {
		System.out.println("[demo] " + message);
	}

}
