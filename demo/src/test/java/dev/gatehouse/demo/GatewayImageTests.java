package dev.gatehouse.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds {@code gateway/Dockerfile}'s image without a Docker engine, as far as Java goes:
 * its own instructions, read from the file, run on the built gateway jar. The builder
 * stage's {@code COPY} of the jar and its {@code RUN java} (the layered extraction) run
 * in one directory; the final stage's {@code COPY --from=builder} of each layer, in the
 * file's order, and its {@code RUN java} (the class data sharing training run) in
 * another; then the {@code ENTRYPOINT} starts with {@code -Xshare:on} (the JVM refuses to
 * start when the archive cannot be mapped) and stops once the context is refreshed. The
 * final stage's {@code ENV} (the JVM options in {@code JAVA_TOOL_OPTIONS}) applies to the
 * steps after it, as in a build. Other instructions (packages, users, ports) are not
 * Java's and are skipped. Skipped as a whole (assumption) when the jar has not been
 * built.
 */
class GatewayImageTests {

	private static final long STEP_TIMEOUT_SECONDS = 180;

	private final Path root = RepositoryFiles.root();

	@Test
	void theImagesClassArchiveIsTrainedAtBuildAndTheGatewaysClassesAreMappedFromItAtStart(@TempDir Path dir)
			throws Exception {
		Path jar = RepositoryFiles.builtJar(this.root, "gateway");
		Assumptions.assumeTrue(jar != null, "gateway jar not built (./mvnw package); image check skipped");
		Path builder = Files.createDirectories(dir.resolve("builder"));
		Path app = Files.createDirectories(dir.resolve("app"));
		int stage = 0;
		List<String> runs = new ArrayList<>();
		// the environment so far: a RUN step sees the ENV lines of its stage above it
		Map<String, String> environment = new LinkedHashMap<>();
		List<String> instructions = dockerfile();
		for (String line : instructions) {
			String[] words = line.split("\\s+");
			Path workdir = (stage == 1) ? builder : app;
			switch (words[0]) {
				case "FROM" -> {
					stage++;
					environment.clear();
				}
				case "COPY" -> {
					if (words[1].equals("--from=builder")) {
						assertThat(words[2]).startsWith("/builder/");
						assertThat(words[3]).isEqualTo("./");
						copyTree(builder.resolve(words[2].substring("/builder/".length())), workdir);
					}
					else {
						assertThat(words[1]).isEqualTo("${JAR_FILE}");
						Files.copy(jar, workdir.resolve(words[2]));
					}
				}
				case "RUN" -> {
					if (words[1].equals("java")) {
						assertThat(line).as("a plain command line, no quoting or shell")
							.doesNotContain("\"", "'", "&&", "$");
						run(workdir, List.of(words).subList(1, words.length),
								dir.resolve("run-" + runs.size() + ".log"), environment);
						runs.add(line);
					}
				}
				case "ENV" -> environment.putAll(variable(line));
				default -> {
					// not Java's: packages, users, ports, health check; ENTRYPOINT below
				}
			}
		}
		assertThat(runs).as("the extraction in the builder stage, the training run in the final one").hasSize(2);
		assertThat(stage).isEqualTo(2);
		FinalStage image = FinalStage.of(instructions);
		assertThat(image.entrypoint()).first().isEqualTo("java");
		String archive = image.entrypoint()
			.stream()
			.filter((arg) -> arg.startsWith("-XX:SharedArchiveFile="))
			.map((arg) -> arg.substring("-XX:SharedArchiveFile=".length()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("ENTRYPOINT names no -XX:SharedArchiveFile"));
		assertThat(app.resolve(archive)).as("the archive the training run left").isRegularFile();

		Path classLoads = dir.resolve("class-load.log");
		List<String> start = new ArrayList<>(image.entrypoint());
		start.addAll(1,
				List.of("-Xshare:on", "-Xlog:class+load=info:file=" + classLoads, "-Dspring.context.exit=onRefresh"));
		run(app, start, dir.resolve("start.log"), image.environment());
		assertThat(Files.readAllLines(classLoads))
			.anyMatch((l) -> l.contains(" dev.gatehouse.gateway.GatewayApplication source: shared objects file"))
			.anyMatch((l) -> l
				.contains(" org.springframework.cloud.gateway.filter.NettyRoutingFilter source: shared objects file"));
	}

	/**
	 * On one CPU the JVM runs two compiler threads (one C1, one C2), and the C2 thread
	 * then takes about half of the core for the first half minute of traffic; the image
	 * gives the JIT more threads, so the request path is compiled sooner
	 * (docs/performance.md, thirteenth round).
	 */
	@Test
	void onOneCpuTheImagesJvmCompilesWithMoreThreadsThanTheJvmWouldChoose(@TempDir Path dir) throws Exception {
		FinalStage image = FinalStage.of(dockerfile());
		List<String> entrypoint = image.entrypoint();
		List<String> imageOptions = new ArrayList<>(entrypoint.subList(0, entrypoint.indexOf("-jar")));
		// the archive is the other test's business; here it does not exist
		imageOptions.removeIf((option) -> option.startsWith("-XX:SharedArchiveFile="));
		List<String> oneCpu = List.of("-XX:ActiveProcessorCount=1", "-XX:+PrintFlagsFinal", "-version");

		int imageThreads = compilerThreads(dir, concat(imageOptions, oneCpu), image.environment());
		int jvmThreads = compilerThreads(dir, concat(List.of("java"), oneCpu), Map.of());

		assertThat(jvmThreads).as("the JVM's own choice on one CPU").isEqualTo(2);
		assertThat(imageThreads).as("the image's, on one CPU").isGreaterThan(jvmThreads);
	}

	private static int compilerThreads(Path dir, List<String> command, Map<String, String> environment)
			throws Exception {
		Path log = Files.createTempFile(dir, "flags", ".log");
		run(dir, command, log, environment);
		return Files.readAllLines(log)
			.stream()
			.map(String::strip)
			.filter((line) -> line.startsWith("intx CICompilerCount "))
			.map((line) -> Integer.parseInt(line.split("\\s+")[3]))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no CICompilerCount in " + command + "'s flags"));
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	private List<String> dockerfile() throws IOException {
		return instructions(Files.readAllLines(this.root.resolve("gateway/Dockerfile")));
	}

	/**
	 * What a container of the image starts with: the final stage's {@code ENTRYPOINT} and
	 * {@code ENV}.
	 */
	private record FinalStage(List<String> entrypoint, Map<String, String> environment) {

		static FinalStage of(List<String> instructions) {
			List<String> entrypoint = null;
			Map<String, String> environment = new LinkedHashMap<>();
			for (String line : instructions) {
				if (line.startsWith("FROM ")) {
					environment.clear();
				}
				else if (line.startsWith("ENV ")) {
					environment.putAll(variable(line));
				}
				else if (line.startsWith("ENTRYPOINT ")) {
					entrypoint = new Yaml().load(line.substring("ENTRYPOINT".length()));
				}
			}
			assertThat(entrypoint).as("ENTRYPOINT").isNotNull();
			return new FinalStage(List.copyOf(entrypoint), Map.copyOf(environment));
		}

	}

	/** {@code ENV NAME="value"} (the one form the Dockerfile uses). */
	private static Map<String, String> variable(String line) {
		String assignment = line.substring("ENV".length()).strip();
		int equals = assignment.indexOf('=');
		assertThat(equals).as("ENV NAME=\"value\": %s", line).isPositive();
		String value = assignment.substring(equals + 1);
		assertThat(value).as("a quoted value: %s", line).startsWith("\"").endsWith("\"");
		return Map.of(assignment.substring(0, equals), value.substring(1, value.length() - 1));
	}

	/**
	 * The file's instructions, one per line: continuation lines joined, comments gone.
	 */
	private static List<String> instructions(List<String> lines) {
		List<String> instructions = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		for (String line : lines) {
			String trimmed = line.strip();
			if (trimmed.isEmpty() || trimmed.startsWith("#")) {
				continue;
			}
			if (trimmed.endsWith("\\")) {
				current.append(trimmed, 0, trimmed.length() - 1).append(' ');
				continue;
			}
			instructions.add(current.append(trimmed).toString());
			current.setLength(0);
		}
		return instructions;
	}

	private static void run(Path workdir, List<String> command, Path log, Map<String, String> environment)
			throws Exception {
		List<String> resolved = new ArrayList<>(command);
		if (resolved.get(0).equals("java")) {
			resolved.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
		}
		ProcessBuilder builder = new ProcessBuilder(resolved).directory(workdir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().remove("JAVA_TOOL_OPTIONS");
		builder.environment().putAll(environment);
		Process process = builder.start();
		if (!process.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError(command + " did not finish within " + STEP_TIMEOUT_SECONDS + " s");
		}
		assertThat(process.exitValue()).as("%s exit status; its output:%n%s", command, tail(log)).isZero();
	}

	private static String tail(Path log) throws IOException {
		List<String> lines = Files.readAllLines(log);
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
	}

	private static void copyTree(Path from, Path to) throws IOException {
		assertThat(from).as("layer %s", from).isDirectory();
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				Path target = to.resolve(from.relativize(path).toString());
				if (Files.isDirectory(path)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(path, target);
				}
			}
		}
	}

}
