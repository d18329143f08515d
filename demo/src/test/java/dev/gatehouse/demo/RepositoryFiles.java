package dev.gatehouse.demo;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the repository's files and the jars the build made. */
final class RepositoryFiles {

	private RepositoryFiles() {
	}

	/**
	 * The repository root: the first directory up holding docker-compose.yml and mvnw.
	 */
	static Path root() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null) {
			if (Files.exists(dir.resolve("docker-compose.yml")) && Files.exists(dir.resolve("mvnw"))) {
				return dir;
			}
			dir = dir.getParent();
		}
		throw new IllegalStateException(
				"no repository root (docker-compose.yml and mvnw) above " + Path.of("").toAbsolutePath());
	}

	/**
	 * The Boot jar {@code ./mvnw package} made of an app
	 * ({@code <app>/target/<app>-*.jar}), or {@code null} when it has not been built.
	 */
	static Path builtJar(Path root, String app) throws IOException {
		Path target = root.resolve(app).resolve("target");
		if (!Files.isDirectory(target)) {
			return null;
		}
		try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, app + "-*.jar")) {
			for (Path jar : jars) {
				if (!jar.getFileName().toString().endsWith("-sources.jar")) {
					return jar;
				}
			}
		}
		return null;
	}

}
