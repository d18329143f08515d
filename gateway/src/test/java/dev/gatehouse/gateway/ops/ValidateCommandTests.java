package dev.gatehouse.gateway.ops;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar gateway.jar validate ...}, run in-process: the exit code, every
 * problem printed with its key, and no port opened.
 */
class ValidateCommandTests {

	private static final String ROUTES = "spring.cloud.gateway.server.webflux.routes";

	@TempDir
	Path dir;

	private record Result(int code, String output) {
	}

	private Result validate(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int code = ValidateCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8));
		return new Result(code, out.toString(StandardCharsets.UTF_8));
	}

	private Path write(String name, String content) throws IOException {
		return Files.writeString(this.dir.resolve(name), content);
	}

	@Test
	void validConfigurationExitsZeroWithoutOpeningAPort() throws IOException {
		Path routesFile = write("routes.yml", """
				spring.cloud.gateway.server.webflux.routes:
				  - id: reports
				    uri: http://reports:8080
				    predicates: [Path=/reports/**]
				    filters: [StripPrefix=1]
				    metadata: { scopes: [reports:read] }
				""");
		Path config = write("gateway.yml", """
				spring.cloud.gateway.server.webflux.routes:
				  - id: items
				    uri: http://backend:8080
				    predicates: [Path=/api/items]
				    metadata: { roles: [user], rate-limit: { requests: 5, period: 60s } }
				gatehouse.gateway.routes-file: %s
				""".formatted(routesFile));
		// both ports taken: a server that tried to listen would fail
		try (ServerSocket server = new ServerSocket(0); ServerSocket management = new ServerSocket(0)) {
			Result result = validate("--spring.config.additional-location=file:" + config,
					"--server.port=" + server.getLocalPort(), "--management.server.port=" + management.getLocalPort());
			assertThat(result.output()).contains("The gateway configuration is valid");
			assertThat(result.code()).isZero();
		}
	}

	@Test
	void invalidConfigurationPrintsEveryProblemWithItsKeyAndExitsOne() throws IOException {
		Path routesFile = write("routes.yml", """
				spring.cloud.gateway.server.webflux.routes:
				  - id: reports
				    uri: http://reports:8080
				    predicates: [Path=/reports/**]
				    filters: [StripPrefx=1]
				    metadata: { issuers: [http://unknown.test] }
				""");
		Path config = write("gateway.yml", """
				spring.cloud.gateway.server.webflux.routes:
				  - id: items
				    uri: http://backend:8080
				    predicates: [Path=/api/items]
				    metadata: { role: [user], sender-constrained: maybe }
				  - id: admin
				    uri: http://backend:8080
				    predicates: [Paht=/admin/**]
				gatehouse.gateway:
				  clock-skew: -5s
				  dpop: { max-age: 0s }
				  routes-file: %s
				""".formatted(routesFile));
		Result result = validate("--spring.config.additional-location=file:" + config);
		assertThat(result.output()).contains("gatehouse.gateway.clock-skew: must be zero or positive")
			.contains(ROUTES + "[0].metadata.role: unknown policy key")
			.contains(ROUTES + "[0].metadata.sender-constrained: must be true or false, was 'maybe'")
			.contains("gatehouse.gateway.dpop.max-age: must be at least 1s")
			.contains(ROUTES + "[1].predicates[0] (Paht): ")
			.contains("gatehouse.gateway.routes-file (" + routesFile + "): " + ROUTES + "[0].filters[0] (StripPrefx): ")
			.contains(ROUTES + "[0].metadata.issuers[0]: 'http://unknown.test' is not a configured issuer")
			.contains("7 problems: the gateway configuration is not valid.");
		assertThat(result.code()).isEqualTo(1);
	}

	@Test
	void everyApplicationRouteThatDoesNotBindIsReportedNotOnlyTheFirst() throws IOException {
		Path config = write("gateway.yml", """
				spring.cloud.gateway.server.webflux.routes:
				  - id: a
				    uri: http://backend:8080
				    predicates: [Path]
				  - id: b
				    uri: http://backend:8080
				    predicates: [Path=/b/**]
				  - id: c
				    uri: http://backend:8080
				    predicates: [Host]
				""");
		Result result = validate("--spring.config.additional-location=file:" + config);
		assertThat(result.output()).contains(ROUTES + "[0].predicates[0]: Unable to parse PredicateDefinition text")
			.contains(ROUTES + "[2].predicates[0]: Unable to parse PredicateDefinition text")
			.contains("2 problems: the gateway configuration is not valid.");
		assertThat(result.code()).isEqualTo(1);
	}

	@Test
	void missingRoutesFileIsAProblem() {
		Result result = validate("--gatehouse.gateway.routes-file=" + this.dir.resolve("absent.yml"));
		assertThat(result.output())
			.contains("gatehouse.gateway.routes-file (" + this.dir.resolve("absent.yml") + "): no such file");
		assertThat(result.code()).isEqualTo(1);
	}

}
