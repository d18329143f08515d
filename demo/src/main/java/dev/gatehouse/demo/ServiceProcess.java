package dev.gatehouse.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One child process of the demo (Redis, the auth-service, the gateway), its output in a
 * log file. When it dies, {@link #exitReport()} says why, from the end of that log.
 */
final class ServiceProcess {

	/** Lines of a log shown when no Spring Boot failure analysis is found. */
	static final int TAIL_LINES = 15;

	private final String name;

	private final Path log;

	private volatile Process process;

	ServiceProcess(String name, Path log) {
		this.name = name;
		this.log = log;
	}

	String name() {
		return this.name;
	}

	Path log() {
		return this.log;
	}

	/**
	 * Start the command, stdout and stderr into the log file (overwritten).
	 * @param command the command and its arguments
	 * @throws IOException when the process cannot be started
	 */
	void start(List<String> command) throws IOException {
		Files.createDirectories(this.log.toAbsolutePath().getParent());
		this.process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(this.log.toFile()))
			.start();
	}

	boolean isStarted() {
		return this.process != null;
	}

	boolean isAlive() {
		Process p = this.process;
		return p != null && p.isAlive();
	}

	long pid() {
		return this.process.pid();
	}

	/** Completes when the process has exited; never when it was not started. */
	CompletableFuture<ServiceProcess> onExit() {
		Process p = this.process;
		return (p != null) ? p.onExit().thenApply((exited) -> this) : new CompletableFuture<>();
	}

	/**
	 * Wait for the process to exit.
	 * @param timeout how long to wait at most
	 * @return whether it has exited
	 * @throws InterruptedException when interrupted
	 */
	boolean awaitExit(Duration timeout) throws InterruptedException {
		Process p = this.process;
		return p == null || p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Ask the process to stop (SIGTERM: Spring's graceful shutdown, Redis' clean exit),
	 * then kill it after the grace period.
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
				System.out
					.println("[demo] " + this.name + " did not stop within " + grace.toSeconds() + " s; killing it");
				p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			p.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Why the process ended: its exit code and the cause its log gives.
	 * @return e.g.
	 * {@code gateway exited with code 1: Web server failed to start. Port 8081 was already in use.}
	 */
	String exitReport() {
		Process p = this.process;
		String code = (p != null && !p.isAlive()) ? String.valueOf(p.exitValue()) : "?";
		List<String> cause = cause(readLog());
		StringBuilder report = new StringBuilder(this.name).append(" exited with code ").append(code);
		if (!cause.isEmpty()) {
			report.append(':');
			cause.forEach((line) -> report.append("\n    ").append(line));
		}
		return report.append("\n  full log: ").append(this.log).toString();
	}

	private List<String> readLog() {
		try {
			return Files.readAllLines(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return List.of("(cannot read " + this.log + ": " + ex.getMessage() + ")");
		}
	}

	/**
	 * The cause a log gives for a process' end: Spring Boot's failure analysis
	 * ("APPLICATION FAILED TO START", its description and action) when there is one,
	 * otherwise the last {@value #TAIL_LINES} non-blank lines.
	 * @param lines the log
	 * @return the lines to show
	 */
	static List<String> cause(List<String> lines) {
		int banner = -1;
		for (int i = lines.size() - 1; i >= 0; i--) {
			if (lines.get(i).contains("APPLICATION FAILED TO START")) {
				banner = i;
				break;
			}
		}
		List<String> cause = new ArrayList<>();
		if (banner >= 0) {
			for (String line : lines.subList(banner + 1, lines.size())) {
				if (!line.isBlank() && !line.chars().allMatch((c) -> c == '*') && cause.size() < TAIL_LINES) {
					cause.add(line.strip());
				}
			}
			return cause;
		}
		for (String line : lines) {
			if (!line.isBlank()) {
				cause.add(line.stripTrailing());
			}
		}
		return cause.subList(Math.max(0, cause.size() - TAIL_LINES), cause.size());
	}

}
