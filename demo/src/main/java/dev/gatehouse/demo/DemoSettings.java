package dev.gatehouse.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where the demo finds its jars and keeps its data, and what extra arguments its children
 * get.
 *
 * @param repoRoot the repository root (holds {@code auth-service/target} and
 * {@code gateway/target})
 * @param dataDir where the auth-service database and signing key, Redis' append-only file
 * and the logs live
 * @param version the version of the auth-service and gateway jars
 * @param javaOptions JVM options for both children ({@value #ENV_JAVA_OPTS})
 * @param authArgs extra auth-service arguments ({@value #ENV_AUTH_ARGS}), e.g.
 * {@code --gatehouse.auth.access-token-ttl=5s}
 * @param gatewayArgs extra gateway arguments ({@value #ENV_GATEWAY_ARGS})
 */
record DemoSettings(Path repoRoot, Path dataDir, String version, List<String> javaOptions, List<String> authArgs,
		List<String> gatewayArgs) {

	static final String ENV_ROOT = "DEMO_ROOT";

	static final String ENV_DATA_DIR = "DEMO_DATA_DIR";

	static final String ENV_JAVA_OPTS = "DEMO_JAVA_OPTS";

	static final String ENV_AUTH_ARGS = "DEMO_AUTH_ARGS";

	static final String ENV_GATEWAY_ARGS = "DEMO_GATEWAY_ARGS";

	Path authJar() {
		return this.repoRoot.resolve("auth-service/target/auth-service-" + this.version + ".jar");
	}

	Path gatewayJar() {
		return this.repoRoot.resolve("gateway/target/gateway-" + this.version + ".jar");
	}

	Path logDir() {
		return this.dataDir.resolve("logs");
	}

	/**
	 * Read the settings from the environment.
	 * @param env the environment variables
	 * @return the settings
	 */
	static DemoSettings fromEnvironment(Map<String, String> env) {
		Path root = hasText(env.get(ENV_ROOT)) ? Path.of(env.get(ENV_ROOT)) : guessRepoRoot();
		root = root.toAbsolutePath().normalize();
		Path data = hasText(env.get(ENV_DATA_DIR)) ? Path.of(env.get(ENV_DATA_DIR)) : root.resolve("data");
		return new DemoSettings(root, data.toAbsolutePath().normalize(), builtVersion(), words(env.get(ENV_JAVA_OPTS)),
				words(env.get(ENV_AUTH_ARGS)), words(env.get(ENV_GATEWAY_ARGS)));
	}

	static List<String> words(String value) {
		if (!hasText(value)) {
			return List.of();
		}
		return Arrays.stream(value.trim().split("\\s+")).toList();
	}

	/**
	 * The jar lives in {@code <root>/demo/target/}; otherwise the working directory is
	 * taken as the root.
	 */
	private static Path guessRepoRoot() {
		try {
			Path location = Path.of(DemoSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			Path candidate = location.getParent() != null ? location.getParent().getParent() : null;
			if (candidate != null && candidate.getParent() != null
					&& Files.isRegularFile(candidate.getParent().resolve("pom.xml"))) {
				return candidate.getParent();
			}
		}
		catch (URISyntaxException | SecurityException ex) {
			// fall through to the working directory
		}
		return Path.of("");
	}

	private static String builtVersion() {
		try (InputStream in = DemoSettings.class.getResourceAsStream("/gatehouse-demo.properties")) {
			Properties properties = new Properties();
			if (in != null) {
				properties.load(in);
			}
			String version = properties.getProperty("gatehouse.version");
			if (!hasText(version) || version.startsWith("@")) {
				throw new IllegalStateException(
						"gatehouse-demo.properties lacks the built version; rebuild with ./mvnw package");
			}
			return version;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

}
