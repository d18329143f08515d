package dev.gatehouse.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.github.tomakehurst.wiremock.WireMockServer;
import redis.embedded.RedisServer;

/**
 * Starts the demo stack of the contract's section 2: three child processes, Redis
 * ({@value #REDIS_PORT}), the auth-service ({@value #AUTH_PORT}, management
 * {@value #AUTH_MANAGEMENT_PORT}) and the gateway ({@value #GATEWAY_PORT}, management
 * {@value #MANAGEMENT_PORT}), both with the {@code demo} profile, and the WireMock demo
 * backend ({@value #BACKEND_PORT}) in this JVM. Everything listens on {@value #LOOPBACK}
 * only.
 * <p>
 * A child counts as ready only by an answer that child alone can give (Redis its own
 * process id, a Spring Boot app a health group of a random name), never because something
 * answers on its port. The launcher watches every child: when one dies, it says why (from
 * the child's log), stops the rest and exits with 1. Ctrl-C or SIGTERM stops everything;
 * the data directory survives for the next start.
 */
public final class DemoLauncher {

	static final String LOOPBACK = "127.0.0.1";

	static final int GATEWAY_PORT = 8080;

	static final int MANAGEMENT_PORT = 8081;

	static final int AUTH_PORT = 9000;

	static final int AUTH_MANAGEMENT_PORT = 9001;

	static final int BACKEND_PORT = 9100;

	/** Not 6379: machines often run a Redis there already. */
	static final int REDIS_PORT = 6390;

	/**
	 * The gateway's addresses as the auth-service sees them: it trusts their
	 * {@code X-Forwarded-For}.
	 */
	static final String GATEWAY_ADDRESSES = "127.0.0.1/32,::1/128";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

	private static final Duration STOP_GRACE = Duration.ofSeconds(20);

	private final DemoSettings settings;

	private final Supervisor supervisor = new Supervisor(Duration.ofMillis(500));

	private final ServiceProcess redis;

	private final ServiceProcess auth;

	private final ServiceProcess gateway;

	private final String authHealthGroup = healthGroupName();

	private final String gatewayHealthGroup = healthGroupName();

	private volatile WireMockServer backend;

	DemoLauncher(DemoSettings settings) {
		this.settings = settings;
		this.redis = new ServiceProcess("redis", settings.logDir().resolve("redis.log"));
		this.auth = new ServiceProcess("auth-service", settings.logDir().resolve("auth-service.log"));
		this.gateway = new ServiceProcess("gateway", settings.logDir().resolve("gateway.log"));
	}

	public static void main(String[] args) {
		DemoLauncher launcher = new DemoLauncher(DemoSettings.fromEnvironment(System.getenv()));
		Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "demo-shutdown"));
		System.exit(launcher.run());
	}

	/**
	 * Start everything, then watch until a child dies or the launcher is stopped.
	 * @return the exit code: 0 when stopped, 1 when something failed (the cause is
	 * printed)
	 */
	int run() {
		try {
			start();
		}
		catch (IOException | IllegalStateException | InterruptedException ex) {
			if (this.supervisor.isStopping()) {
				return 0;
			}
			error(ex.getMessage());
			return 1;
		}
		printWelcome();
		ServiceProcess exited = this.supervisor.awaitFirstExit();
		if (this.supervisor.isStopping()) {
			return 0;
		}
		error(exited.exitReport());
		error("stopping the rest");
		return 1;
	}

	void start() throws IOException, InterruptedException {
		requireFreePorts();
		requireBuiltJars();
		Path data = this.settings.dataDir();
		Files.createDirectories(data.resolve("redis"));
		Files.createDirectories(data.resolve("auth"));
		Files.createDirectories(this.settings.logDir());
		log("data directory " + data + " (kept between starts; delete it to start afresh)");

		// Redis keeps the revocation denylist and rate-limit counters; its append-only
		// file keeps them across starts.
		List<String> redisCommand = RedisServer.newRedisServer()
			.bind(LOOPBACK)
			.port(REDIS_PORT)
			.setting("dir " + data.resolve("redis"))
			.setting("appendonly yes")
			.setting("save \"\"")
			.buildCommandArgs();
		this.supervisor.startAndAwaitReady(this.redis, redisCommand,
				ReadinessProbe.redisProcessId(LOOPBACK, REDIS_PORT), START_TIMEOUT);
		log("Redis on " + LOOPBACK + ":" + REDIS_PORT + ", log: " + this.redis.log());

		WireMockServer server = DemoBackend.create(BACKEND_PORT);
		this.backend = server;
		try {
			server.start();
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("the demo backend (WireMock) did not start on " + LOOPBACK + ":"
					+ BACKEND_PORT + ": " + ex.getMessage(), ex);
		}
		log("demo backend (WireMock) on http://" + LOOPBACK + ":" + BACKEND_PORT);

		log("starting auth-service, log: " + this.auth.log());
		this.supervisor.startAndAwaitReady(this.auth, javaCommand(this.settings.authJar(), authArgs()), ReadinessProbe
			.springHealthGroup("http://" + LOOPBACK + ":" + AUTH_MANAGEMENT_PORT, this.authHealthGroup), START_TIMEOUT);
		log("auth-service ready on http://localhost:" + AUTH_PORT);

		log("starting gateway, log: " + this.gateway.log());
		this.supervisor.startAndAwaitReady(this.gateway, javaCommand(this.settings.gatewayJar(), gatewayArgs()),
				ReadinessProbe.springHealthGroup("http://" + LOOPBACK + ":" + MANAGEMENT_PORT, this.gatewayHealthGroup),
				START_TIMEOUT);
		log("gateway ready on http://localhost:" + GATEWAY_PORT);
	}

	/**
	 * The auth-service's arguments: ours first, each left out when the user's
	 * {@code DEMO_AUTH_ARGS} set its key.
	 */
	List<String> authArgs() {
		return withDefaults(
				List.of("--spring.profiles.active=demo", "--server.address=" + LOOPBACK, "--server.port=" + AUTH_PORT,
						"--management.server.address=" + LOOPBACK, "--management.server.port=" + AUTH_MANAGEMENT_PORT,
						"--management.endpoint.health.group." + this.authHealthGroup + ".include=*",
						"--gatehouse.auth.trusted-proxies=" + GATEWAY_ADDRESSES,
						"--gatehouse.auth.data-dir=" + this.settings.dataDir().resolve("auth"),
						"--spring.data.redis.host=" + LOOPBACK, "--spring.data.redis.port=" + REDIS_PORT),
				this.settings.authArgs());
	}

	/**
	 * The gateway's arguments: ours first, each left out when the user's
	 * {@code DEMO_GATEWAY_ARGS} set its key.
	 */
	List<String> gatewayArgs() {
		return withDefaults(List.of("--spring.profiles.active=demo", "--server.address=" + LOOPBACK,
				"--server.port=" + GATEWAY_PORT, "--management.server.address=" + LOOPBACK,
				"--management.server.port=" + MANAGEMENT_PORT,
				"--management.endpoint.health.group." + this.gatewayHealthGroup + ".include=*",
				"--spring.data.redis.host=" + LOOPBACK, "--spring.data.redis.port=" + REDIS_PORT,
				"--gatehouse.gateway.rate-limit.store=redis"), this.settings.gatewayArgs());
	}

	/**
	 * Our arguments and then the user's, leaving out ours whose key the user sets: Spring
	 * joins a repeated {@code --key=} with commas instead of letting the last one win.
	 * @param defaults our {@code --key=value} arguments
	 * @param user the user's arguments
	 * @return the arguments to pass
	 */
	static List<String> withDefaults(List<String> defaults, List<String> user) {
		Set<String> userKeys = new LinkedHashSet<>();
		user.forEach((arg) -> userKeys.add(key(arg)));
		List<String> args = new ArrayList<>();
		for (String arg : defaults) {
			if (!userKeys.contains(key(arg))) {
				args.add(arg);
			}
		}
		args.addAll(user);
		return args;
	}

	private static String key(String arg) {
		int equals = arg.indexOf('=');
		return (equals < 0) ? arg : arg.substring(0, equals);
	}

	private List<String> javaCommand(Path jar, List<String> args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(this.settings.javaOptions());
		command.add("-jar");
		command.add(jar.toString());
		command.addAll(args);
		return command;
	}

	/**
	 * A health group name nobody else knows: the path {@code /actuator/health/<name>}
	 * exists only in our child.
	 */
	private static String healthGroupName() {
		byte[] random = new byte[8];
		new SecureRandom().nextBytes(random);
		return "demo-launcher-" + HexFormat.of().formatHex(random);
	}

	private void requireBuiltJars() {
		for (Path jar : List.of(this.settings.authJar(), this.settings.gatewayJar())) {
			if (!Files.isRegularFile(jar)) {
				throw new IllegalStateException(jar + " not found: build first with ./mvnw -DskipTests package");
			}
		}
	}

	/**
	 * A clear message up front; the children's own binding (and their readiness answers)
	 * decide in the end.
	 */
	private void requireFreePorts() {
		for (int port : new int[] { GATEWAY_PORT, MANAGEMENT_PORT, AUTH_PORT, AUTH_MANAGEMENT_PORT, BACKEND_PORT,
				REDIS_PORT }) {
			for (String address : List.of(LOOPBACK, "::1")) {
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress(address, port), 300);
				}
				catch (IOException ex) {
					continue; // nobody listens there
				}
				throw new IllegalStateException(
						"port " + port + " is already in use on " + address + " (is a demo already running?)");
			}
		}
	}

	private void printWelcome() {
		String base = "http://localhost:" + GATEWAY_PORT;
		System.out.println(
				"""

						Gatehouse demo is up (every port on 127.0.0.1 only).
						  gateway (single entry point)  %s
						  gateway management            http://localhost:%d/actuator/health
						  auth-service                  http://localhost:%d  (also %s/auth/...)
						  auth-service management       http://localhost:%d/actuator/health
						  demo backend (WireMock)       http://localhost:%d
						  web page                      %s/app/
						  logs                          %s

						Users: johndoe/secret (user), alice/wonderland (user, admin), bob/builder (disabled).
						Try:
						  TOKEN=$(curl -s -d grant_type=password -d username=johndoe -d password=secret %s/auth/token | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
						  curl -s -H "Authorization: Bearer $TOKEN" %s/api/items
						  curl -si -H "Authorization: Bearer $TOKEN" %s/admin/dashboard    # 403: johndoe is not an admin

						Press Ctrl-C (or send SIGTERM) to stop everything.
						"""
					.formatted(base, MANAGEMENT_PORT, AUTH_PORT, base, AUTH_MANAGEMENT_PORT, BACKEND_PORT, base,
							this.settings.logDir(), base, base, base));
	}

	/**
	 * Stop the gateway, the auth-service and Redis (the last started first), then the
	 * backend. Idempotent.
	 */
	void stop() {
		log("stopping");
		this.supervisor.stopAll(STOP_GRACE);
		WireMockServer server = this.backend;
		if (server != null && server.isRunning()) {
			server.stop();
		}
		log("stopped");
	}

	private static void log(String message) {
		System.out.println("[demo] " + message);
	}

	private static void error(String message) {
		System.err.println("[demo] " + message);
	}

}
