package dev.gatehouse.gateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The real auth-service, started from its executable jar (built by the reactor before
 * this module), with the test signing key, a throw-away database and the given Redis. For
 * tests that need revocations made the way production makes them.
 */
public final class AuthServiceProcess implements AutoCloseable {

	private static final Path MODULE = Path.of("..", "auth-service");

	private final Process process;

	private final int port;

	private final int managementPort;

	private final Path log;

	private AuthServiceProcess(Process process, int port, int managementPort, Path log) {
		this.process = process;
		this.port = port;
		this.managementPort = managementPort;
		this.log = log;
	}

	public static AuthServiceProcess start(Path dataDir, int redisPort) throws IOException, InterruptedException {
		return start(dataDir,
				Map.of("spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", Integer.toString(redisPort)));
	}

	/**
	 * Like {@link #start(Path, int)}, with Redis named by {@code spring.data.redis.*}
	 * properties (a cluster, a Sentinel-managed master).
	 */
	public static AuthServiceProcess start(Path dataDir, Map<String, String> redis)
			throws IOException, InterruptedException {
		Path jar = jar();
		int port = TestRedis.freePort();
		int managementPort = TestRedis.freePort();
		Path log = Files.createDirectories(Path.of("target", "auth-service-logs"))
			.resolve("auth-service-" + port + ".log");
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--server.port=" + port,
				"--management.server.port=" + managementPort, "--gatehouse.auth.issuer=http://127.0.0.1:" + port,
				"--gatehouse.auth.signing.key-file="
						+ MODULE.resolve("src/test/resources/keys/test-rsa.pem").toAbsolutePath(),
				"--gatehouse.auth.data-dir=" + dataDir.toAbsolutePath(),
				"--gatehouse.auth.bootstrap.admin.username=root",
				"--gatehouse.auth.bootstrap.admin.password=root-password",
				"--gatehouse.auth.revocation-retry-interval=500ms", "--logging.level.root=WARN",
				"--logging.level.dev.gatehouse=INFO"));
		redis.forEach((key, value) -> command.add("--" + key + "=" + value));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		// never outlive the test JVM, whatever ends it
		Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
		AuthServiceProcess auth = new AuthServiceProcess(process, port, managementPort, log);
		auth.awaitHealthy();
		return auth;
	}

	private static Path jar() throws IOException {
		Path target = MODULE.resolve("target");
		try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
			return files.filter((file) -> file.getFileName().toString().matches("auth-service-.*\\.jar"))
				.filter((file) -> !file.getFileName().toString().endsWith(".original"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("No auth-service jar in " + target.toAbsolutePath()
						+ ": build it first (./mvnw verify builds every module in order, or ./mvnw -pl auth-service package)"));
		}
	}

	/** Polls the management port until the service is healthy, at most 90 s. */
	private void awaitHealthy() {
		HttpClient http = HttpClient.newHttpClient();
		URI health = URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/health");
		try {
			Awaitility.await()
				.atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(250))
				// not listening yet
				.ignoreExceptionsInstanceOf(IOException.class)
				.until(() -> {
					if (!this.process.isAlive()) {
						throw new IllegalStateException("auth-service exited; see " + this.log.toAbsolutePath());
					}
					return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
						.statusCode() == 200;
				});
		}
		catch (ConditionTimeoutException ex) {
			close();
			throw new IllegalStateException("auth-service did not become healthy; see " + this.log.toAbsolutePath());
		}
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
