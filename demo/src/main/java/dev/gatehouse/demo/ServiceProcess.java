package dev.gatehouse.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Spring Boot fat jar run as a child process, its output in a log file, its health polled over HTTP.
 */
final class ServiceProcess {

	private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

	private final String name;

	private final Path log;

	private final URI health;

	private Process process;

	ServiceProcess(String name, Path log, URI health) {
		this.name = name;
		this.log = log;
		this.health = health;
	}

	String name() {
		return this.name;
	}

	Path log() {
		return this.log;
	}

	Process process() {
		return this.process;
	}

	/**
	 * Start {@code java [javaOptions] -jar jar [args]}, stdout and stderr into the log file (overwritten).
	 * @param jar the executable jar
	 * @param javaOptions JVM options
	 * @param args application arguments
	 * @throws IOException when the process cannot be started
	 */
	void start(Path jar, List<String> javaOptions, List<String> args) throws IOException {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " not found: build first with ./mvnw -DskipTests package");
		}
		Files.createDirectories(this.log.getParent());
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(javaOptions);
		command.add("-jar");
		command.add(jar.toString());
		command.addAll(args);
		this.process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(this.log.toFile()))
			.start();
	}

	/**
	 * Poll the health endpoint until it says UP.
	 * @param timeout how long to wait
	 * @throws IllegalStateException when the process dies or the timeout passes first
	 * @throws InterruptedException when interrupted
	 */
	void awaitHealthy(Duration timeout) throws InterruptedException {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		HttpRequest request = HttpRequest.newBuilder(this.health).timeout(Duration.ofSeconds(2)).GET().build();
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited with code " + this.process.exitValue()
						+ " while starting; see " + this.log + "\n" + tail(40));
			}
			try {
				HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(POLL_INTERVAL.toMillis());
		}
		throw new IllegalStateException(
				this.name + " not healthy at " + this.health + " after " + timeout.toSeconds() + " s; see " + this.log);
	}

	/**
	 * Ask the process to stop (SIGTERM: Spring's graceful shutdown), then kill it after the grace period.
	 * @param grace how long a graceful stop may take
	 */
	void stop(Duration grace) {
		Process p = this.process;
		if (p == null || !p.isAlive()) {
			return;
		}
		p.destroy();
		try {
			if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				System.out.println("[demo] " + this.name + " did not stop within " + grace.toSeconds() + " s; killing it");
				p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			p.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	String tail(int lines) {
		try {
			List<String> all = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(cannot read " + this.log + ")";
		}
	}

}
