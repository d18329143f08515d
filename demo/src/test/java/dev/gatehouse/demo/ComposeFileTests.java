package dev.gatehouse.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.standalone.CommandLineOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks {@code docker-compose.yml} without a Docker engine: the file is parsed as YAML
 * and held to the contract (sections 1, 2 and 6) and to issue 5.
 * <ul>
 * <li>Every service has a healthcheck and a memory limit; every {@code depends_on} waits
 * for {@code service_healthy}.</li>
 * <li>Exposure (issue 13): only the gateway's public 8080 is published on every
 * interface; the management ports (gateway 8081, auth-service 9001) and the
 * auth-service's 9000 are bound to the host's 127.0.0.1; the backend, Redis and
 * PostgreSQL publish nothing. The backend's WireMock command is parsed by WireMock
 * itself, and a WireMock started with it serves the stubs but refuses its admin API.</li>
 * <li>The auth-service's actuator is on its own management port 9001; Redis never evicts
 * ({@code noeviction}); the auth-service trusts {@code X-Forwarded-For} from the
 * gateway's fixed address only.</li>
 * <li>No secret is a literal: passwords and secrets are {@code ${VAR:?message}} or
 * {@code ${VAR}}, never a value or a {@code ${VAR:-default}}; the signing key is a
 * compose secret read from a file named by the environment.</li>
 * <li>Every environment key set on the auth-service and the gateway is a real
 * configuration property of that app. The key is read the way Spring Boot's
 * {@code SystemEnvironmentPropertyMapper} reads it: split at {@code _}, a number is a
 * list index; a dashed element such as {@code key-file} matches {@code KEYFILE} or
 * (legacy form) {@code KEY_FILE}. Known properties come from two places, both
 * deterministic:
 * <ul>
 * <li>{@code gatehouse.*}: the configuration metadata
 * ({@code META-INF/spring-configuration-metadata.json}) that
 * {@code spring-boot-configuration-processor} generates from the
 * {@code @ConfigurationProperties} records when each app compiles (kebab-case;
 * collections become {@code [n]}; a list of records is completed from the compiled
 * record). Renaming a component makes this test fail until the compose file follows. A
 * misspelled key such as {@code GATEHOUSE_AUTH_SINGING_KEY_FILE} fails.</li>
 * <li>{@code spring.*}: a short reviewed allow-list per app ({@link #SPRING_KEYS}) of
 * Spring Boot properties the compose file uses. When the apps' jars have been built
 * ({@code ./mvnw package}), a further test reads Spring's configuration metadata
 * ({@code META-INF/spring-configuration-metadata.json} and
 * {@code additional-spring-configuration-metadata.json}) from every library nested in
 * each jar and checks that every allow-listed key really is a property on that app's
 * classpath; without built jars that one test is skipped (assumption), everything else
 * still runs.</li>
 * </ul>
 * </li>
 * </ul>
 */
class ComposeFileTests {

	/**
	 * Spring Boot properties the compose file may set, per app; each is verified against
	 * the jar's metadata.
	 */
	static final Map<String, Set<String>> SPRING_KEYS = Map.of("auth-service",
			Set.of("spring.datasource.url", "spring.datasource.username", "spring.datasource.password",
					"spring.data.redis.host", "spring.data.redis.port", "spring.profiles.active",
					"management.server.port"),
			"gateway", Set.of("spring.config.additional-location", "spring.data.redis.host", "spring.data.redis.port",
					"spring.profiles.active"));

	private static Path root;

	private static Map<String, Object> compose;

	private static Map<String, Map<String, Object>> services;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void load() throws IOException {
		root = RepositoryFiles.root();
		try (Reader reader = Files.newBufferedReader(root.resolve("docker-compose.yml"))) {
			compose = new Yaml().load(reader);
		}
		services = (Map<String, Map<String, Object>>) compose.get("services");
	}

	@Test
	void theFiveServices() {
		assertThat(services).containsOnlyKeys("redis", "postgres", "auth-service", "gateway", "backend");
		assertThat(services.get("redis").get("image")).isEqualTo("redis:7-alpine");
		assertThat(services.get("postgres").get("image")).isEqualTo("postgres:16-alpine");
		assertThat(services.get("backend").get("image")).isEqualTo("wiremock/wiremock:3.13.1");
		assertThat(environment("postgres")).containsEntry("POSTGRES_DB", "gatehouse");
	}

	@Test
	void everyServiceHasAHealthcheckAndAMemoryLimit() {
		services.forEach((name, service) -> {
			Map<String, Object> healthcheck = map(service.get("healthcheck"));
			assertThat(healthcheck).as("%s healthcheck", name).isNotEmpty();
			assertThat(healthcheck.get("disable")).as("%s healthcheck disabled", name).isNotEqualTo(true);
			assertThat(healthcheckCommand(name)).as("%s healthcheck test", name).isNotBlank().doesNotStartWith("NONE");
			assertThat(memoryLimits(service)).as("%s memory limit (deploy.resources.limits.memory or mem_limit)", name)
				.isNotEmpty()
				.allMatch((limit) -> limit.matches("\\d+(\\.\\d+)?[bkmg]b?"), "a size such as 512m");
		});
	}

	@Test
	void healthchecksProbeWhatTheContractNames() {
		assertThat(healthcheckCommand("redis")).contains("redis-cli").contains("ping");
		assertThat(healthcheckCommand("postgres")).contains("pg_isready");
		assertThat(healthcheckCommand("auth-service")).contains("http://localhost:9001/actuator/health");
		assertThat(healthcheckCommand("gateway")).contains("http://localhost:8081/actuator/health");
		// the admin API (and so /__admin/health) is refused: a stub answers instead
		assertThat(healthcheckCommand("backend")).contains("http://localhost:8080/public/").doesNotContain("__admin");
	}

	@Test
	void theAuthServiceActuatorIsOnItsOwnManagementPort() {
		assertThat(environment("auth-service")).containsEntry("MANAGEMENT_SERVER_PORT", "9001");
	}

	@Test
	void redisNeverEvictsCountersOrRevocations() {
		List<String> command = list(services.get("redis").get("command")).stream().map(String::valueOf).toList();
		assertThat(command).first().isEqualTo("redis-server");
		assertThat(command).containsSubsequence("--maxmemory-policy", "noeviction");
		assertThat(command.stream().filter((arg) -> arg.contains("maxmemory-policy"))).hasSize(1);
	}

	@Test
	void theAuthServiceTrustsForwardedForFromTheGatewaysFixedAddressOnly() {
		String subnet = String
			.valueOf(map(list(path(map(map(compose.get("networks")).get("gatehouse")), "ipam", "config")).get(0))
				.get("subnet"));
		String gatewayAddress = String.valueOf(path(services.get("gateway"), "networks", "gatehouse", "ipv4_address"));
		assertThat(subnet).isEqualTo("172.28.0.0/24");
		assertThat(gatewayAddress).startsWith("172.28.0.").isNotEqualTo("172.28.0.1");
		List<String> trusted = environment("auth-service").entrySet()
			.stream()
			.filter((e) -> e.getKey().startsWith("GATEHOUSE_AUTH_TRUSTEDPROXIES")
					|| e.getKey().startsWith("GATEHOUSE_AUTH_TRUSTED_PROXIES"))
			.map(Map.Entry::getValue)
			.toList();
		assertThat(trusted).containsExactly(gatewayAddress + "/32");
		// every other service gets its address from the pool, never the gateway's
		services.forEach((name, service) -> {
			if (!name.equals("gateway")) {
				assertThat(String.valueOf(service.get("networks"))).as("%s networks", name)
					.doesNotContain("ipv4_address");
			}
		});
	}

	@Test
	void backendCommandIsValidForWireMockAndLeavesNoAdminApi() throws Exception {
		List<String> command = list(services.get("backend").get("command")).stream().map(String::valueOf).toList();
		CommandLineOptions options = new CommandLineOptions(command.toArray(String[]::new));
		assertThat(options.getHttpsRequiredForAdminApi()).isTrue();
		assertThat(options.httpsSettings().enabled()).as("no HTTPS listener: the admin API is unreachable").isFalse();
		assertThat(options.requestJournalDisabled()).isTrue();

		// the same command, on a free loopback port with the demo stubs, as the compose
		// file mounts them
		List<String> local = new ArrayList<>(command);
		local.addAll(List.of("--port", "0", "--bind-address", "127.0.0.1", "--root-dir",
				root.resolve("demo/src/main/resources/demo-backend").toString(), "--disable-banner"));
		WireMockServer backend = new WireMockServer(new CommandLineOptions(local.toArray(String[]::new)));
		backend.start();
		try {
			HttpClient http = HttpClient.newHttpClient();
			String base = "http://127.0.0.1:" + backend.port();
			String probe = healthcheckCommand("backend").replaceAll(".*http://localhost:8080", "");
			assertThat(send(http, HttpRequest.newBuilder(URI.create(base + probe))).statusCode()).isEqualTo(200);
			for (String proto : List.of("http", "https")) {
				HttpResponse<String> plant = send(http,
						HttpRequest.newBuilder(URI.create(base + "/__admin/mappings"))
							.header("X-Forwarded-Proto", proto)
							.header("Forwarded", "proto=" + proto)
							.POST(HttpRequest.BodyPublishers.ofString(
									"{\"request\":{\"url\":\"/app/evil.js\"},\"response\":{\"body\":\"alert(1)\"}}")));
				assertThat(plant.statusCode()).isEqualTo(403);
				assertThat(send(http, HttpRequest.newBuilder(URI.create(base + "/__admin/mappings"))).statusCode())
					.isEqualTo(403);
				assertThat(send(http, HttpRequest.newBuilder(URI.create(base + "/__admin/health"))).statusCode())
					.isEqualTo(403);
			}
			assertThat(send(http, HttpRequest.newBuilder(URI.create(base + "/app/evil.js"))).statusCode())
				.isEqualTo(404);
		}
		finally {
			backend.stop();
		}
	}

	private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request)
			throws IOException, InterruptedException {
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void everyDependencyWaitsUntilHealthy() {
		services.forEach((name, service) -> {
			Object dependsOn = service.get("depends_on");
			if (dependsOn == null) {
				return;
			}
			assertThat(dependsOn).as("%s depends_on must be the long form with conditions", name)
				.isInstanceOf(Map.class);
			map(dependsOn).forEach((target, spec) -> {
				assertThat(services).as("%s depends on %s", name, target).containsKey(target);
				assertThat(map(spec).get("condition")).as("%s -> %s condition", name, target)
					.isEqualTo("service_healthy");
			});
		});
		assertThat(map(services.get("gateway").get("depends_on"))).containsKeys("auth-service", "backend", "redis");
		assertThat(map(services.get("auth-service").get("depends_on"))).containsKeys("postgres", "redis");
	}

	@Test
	void onlyTheGatewaysPublicPortIsPublishedOnEveryInterface() {
		assertThat(publishedPorts("gateway")).containsExactlyInAnyOrder("0.0.0.0:8080->8080", "127.0.0.1:8081->8081");
		assertThat(publishedPorts("auth-service")).containsExactlyInAnyOrder("127.0.0.1:9000->9000",
				"127.0.0.1:9001->9001");
		assertThat(publishedPorts("backend")).isEmpty();
		assertThat(publishedPorts("redis")).isEmpty();
		assertThat(publishedPorts("postgres")).isEmpty();
		services.forEach((name, service) -> {
			assertThat(service.get("network_mode")).as("%s network_mode", name).isNull();
			assertThat(publishedPorts(name)).as("%s: everything but the gateway's 8080 on loopback only", name)
				.allMatch((port) -> port.equals("0.0.0.0:8080->8080") && name.equals("gateway")
						|| port.startsWith("127.0.0.1:"));
		});
	}

	@Test
	void publishedPortsReadsHostAddressesInBothSyntaxes() {
		assertThat(publishedPort("8080:8080")).isEqualTo("0.0.0.0:8080->8080");
		assertThat(publishedPort("127.0.0.1:9000:9000/tcp")).isEqualTo("127.0.0.1:9000->9000");
		assertThat(publishedPort("[::1]:9000:9000")).isEqualTo("[::1]:9000->9000");
		assertThat(publishedPort("9100")).isEqualTo("0.0.0.0:*->9100");
		assertThat(publishedPort(Map.of("target", 8081, "published", "8081"))).isEqualTo("0.0.0.0:8081->8081");
		assertThat(publishedPort(Map.of("target", 8081, "published", 8081, "host_ip", "127.0.0.1")))
			.isEqualTo("127.0.0.1:8081->8081");
	}

	@Test
	void noSecretIsALiteral() {
		Pattern secretName = Pattern
			.compile("(?i).*(PASSWORD|SECRET|PASSPHRASE|CREDENTIAL|HMAC|PRIVATE_KEY|API_KEY|TOKEN)$");
		Pattern fromEnvironment = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:?\\?[^}]*)?}");
		List<String> checked = new ArrayList<>();
		services.forEach((name, service) -> environment(name).forEach((key, value) -> {
			if (secretName.matcher(key).matches()) {
				checked.add(name + "." + key);
				assertThat(value).as("%s: %s must come from the environment (${VAR:?message})", name, key)
					.matches(fromEnvironment);
			}
		}));
		assertThat(checked).contains("postgres.POSTGRES_PASSWORD", "auth-service.SPRING_DATASOURCE_PASSWORD",
				"auth-service.GATEHOUSE_AUTH_BOOTSTRAP_ADMIN_PASSWORD");
		// one variable for both ends of the database connection
		assertThat(environment("auth-service").get("SPRING_DATASOURCE_PASSWORD"))
			.isEqualTo(environment("postgres").get("POSTGRES_PASSWORD"));

		// the signing key: a compose secret from a file the environment names, mounted
		// where the app reads it
		Map<String, Object> secrets = map(compose.get("secrets"));
		assertThat(secrets).isNotEmpty();
		secrets.forEach((name, spec) -> assertThat(String.valueOf(map(spec).get("file"))).as("secret %s file", name)
			.matches(fromEnvironment));
		String keyFile = environment("auth-service").get("GATEHOUSE_AUTH_SIGNING_KEY_FILE");
		assertThat(keyFile).startsWith("/run/secrets/");
		assertThat(list(services.get("auth-service").get("secrets")))
			.contains(keyFile.substring("/run/secrets/".length()));
	}

	@Test
	void everyAppEnvironmentKeyIsAConfigurationProperty() throws IOException {
		List<String> unknown = new ArrayList<>();
		for (String app : List.of("auth-service", "gateway")) {
			Set<String> known = knownProperties(app);
			for (String key : environment(app).keySet()) {
				if (!isKnown(key, known)) {
					unknown.add(app + ": " + key + " (" + canonical(key) + ")");
				}
			}
		}
		assertThat(unknown).as("environment keys that are no configuration property of the app they are set on")
			.isEmpty();
	}

	@Test
	void propertyMatchingRejectsMisspellingsAndAcceptsBothEnvironmentForms() throws IOException {
		Set<String> auth = knownProperties("auth-service");
		Set<String> gateway = knownProperties("gateway");
		// the derivation from the record sources found the nested and indexed properties
		assertThat(auth).contains("gatehouse.auth.signing.key-file", "gatehouse.auth.bootstrap.admin.username",
				"gatehouse.auth.bootstrap.admin.password", "gatehouse.auth.trusted-proxies[*]",
				"gatehouse.auth.clients[*].client-id", "gatehouse.auth.login-throttle.max-failures");
		assertThat(gateway).contains("gatehouse.gateway.issuers[*].issuer", "gatehouse.gateway.issuers[*].audiences[*]",
				"gatehouse.gateway.issuers[*].jwks-uri", "gatehouse.gateway.rate-limit.store",
				"gatehouse.gateway.rate-limit.on-store-failure");

		assertThat(isKnown("GATEHOUSE_AUTH_SIGNING_KEY_FILE", auth)).isTrue();
		assertThat(isKnown("GATEHOUSE_AUTH_SIGNING_KEYFILE", auth)).isTrue();
		assertThat(isKnown("GATEHOUSE_AUTH_SINGING_KEY_FILE", auth)).isFalse();
		assertThat(isKnown("GATEHOUSE_AUTH_SIGNING_KEY_FILES", auth)).isFalse();
		assertThat(isKnown("GATEHOUSE_AUTH_SIGNING", auth)).isFalse();
		assertThat(isKnown("GATEHOUSE_AUTH_BOOTSTRAP_ADMIN_USERNAME", auth)).isTrue();
		assertThat(isKnown("GATEHOUSE_AUTH_BOOTSTRAP_ADMIN_USER", auth)).isFalse();
		assertThat(isKnown("SPRING_DATASOURCE_URL", auth)).isTrue();
		assertThat(isKnown("SPRING_DATASOURCE_URL", gateway)).as("the gateway has no datasource").isFalse();
		assertThat(isKnown("GATEHOUSE_GATEWAY_ISSUERS_0_JWKS_URI", gateway)).isTrue();
		assertThat(isKnown("GATEHOUSE_GATEWAY_ISSUERS_0_AUDIENCES_1", gateway)).isTrue();
		assertThat(isKnown("GATEHOUSE_GATEWAY_ISSUERS_0_AUDIENCES_0_", gateway)).isTrue();
		assertThat(isKnown("GATEHOUSE_GATEWAY_ISSUERS_JWKS_URI", gateway)).as("index missing").isFalse();
		assertThat(isKnown("GATEHOUSE_GATEWAY_ISSUERS_X_JWKS_URI", gateway)).isFalse();
		assertThat(isKnown("GATEHOUSE_GATEWAY_RATELIMIT_STORE", gateway)).isTrue();
		assertThat(isKnown("GATEHOUSE_GATEWAY_RATE_LIMITS_STORE", gateway)).isFalse();
		assertThat(canonical("GATEHOUSE_GATEWAY_ISSUERS_0_AUDIENCES_0"))
			.isEqualTo("gatehouse.gateway.issuers[0].audiences[0]");
	}

	@Test
	void springKeysExistInTheMetadataOfTheBuiltJars() throws IOException {
		for (String app : List.of("auth-service", "gateway")) {
			Path jar = RepositoryFiles.builtJar(root, app);
			Assumptions.assumeTrue(jar != null, () -> app + " jar not built (./mvnw package); metadata check skipped");
			Set<String> metadata = springMetadataProperties(jar);
			assertThat(metadata).as("configuration metadata in %s", jar).hasSizeGreaterThan(500);
			assertThat(metadata).as("spring.* keys allowed for %s", app).containsAll(SPRING_KEYS.get(app));
		}
	}

	@Test
	void mountedFilesAndDockerfilesExist() throws IOException {
		services.forEach((name, service) -> {
			for (Object volume : list(service.get("volumes"))) {
				String source = String.valueOf(volume).split(":")[0];
				if (source.startsWith(".") || source.startsWith("/")) {
					assertThat(root.resolve(source)).as("%s mounts %s", name, source).exists();
				}
			}
		});
		assertThat(root.resolve("demo/src/main/resources/demo-backend/mappings/items.json")).exists();
		assertThat(list(services.get("backend").get("volumes")))
			.anyMatch((v) -> String.valueOf(v)
				.startsWith("./demo/src/main/resources/demo-backend/mappings:/home/wiremock/mappings"))
			.anyMatch((v) -> String.valueOf(v)
				.startsWith("./demo/src/main/resources/demo-backend/__files:/home/wiremock/__files"));

		Map<String, Integer> containerPort = Map.of("auth-service", 9000, "gateway", 8080);
		Map<String, Integer> managementPort = Map.of("auth-service", 9001, "gateway", 8081);
		for (String app : List.of("auth-service", "gateway")) {
			Map<String, Object> build = map(services.get(app).get("build"));
			assertThat(build.get("context")).isEqualTo(".");
			Path dockerfile = root.resolve(String.valueOf(build.get("dockerfile")));
			assertThat(dockerfile).exists();
			String text = Files.readString(dockerfile);
			assertThat(text).contains("FROM eclipse-temurin:17-jre", "-Djarmode=tools", "extract --layers",
					app + "/target/" + app + "-");
			assertThat(text).containsPattern("(?m)^EXPOSE .*\\b" + containerPort.get(app) + "\\b");
			assertThat(text).containsPattern("(?m)^EXPOSE .*\\b" + managementPort.get(app) + "\\b");
			assertThat(text).containsPattern(
					"(?m)^\\s*CMD curl -fsS http://localhost:" + managementPort.get(app) + "/actuator/health");
			assertThat(text).containsPattern("(?m)^USER (?!root\\b|0\\b)\\S+");
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void gatewayRoutesPointAtTheComposeServices() throws IOException {
		String location = environment("gateway").get("SPRING_CONFIG_ADDITIONAL_LOCATION");
		assertThat(location).isEqualTo("file:/config/gateway-routes.yml");
		assertThat(list(services.get("gateway").get("volumes")))
			.contains("./deploy/gateway-routes.yml:/config/gateway-routes.yml:ro");
		Map<String, Object> routesFile;
		try (Reader reader = Files.newBufferedReader(root.resolve("deploy/gateway-routes.yml"))) {
			routesFile = new Yaml().load(reader);
		}
		Object routes = path(routesFile, "spring", "cloud", "gateway", "server", "webflux", "routes");
		List<Map<String, Object>> list = (List<Map<String, Object>>) routes;
		assertThat(list).extracting((r) -> r.get("id"))
			.contains("auth", "items", "echo", "limited", "admin", "public", "app");
		for (Map<String, Object> route : list) {
			URI uri = URI.create(String.valueOf(route.get("uri")));
			assertThat(uri.getHost() + ":" + uri.getPort()).as("route %s", route.get("id"))
				.isIn("auth-service:9000", "backend:8080");
		}
	}

	// --- compose helpers

	private static Map<String, String> environment(String service) {
		Object environment = services.get(service).get("environment");
		Map<String, String> result = new LinkedHashMap<>();
		if (environment instanceof Map<?, ?> map) {
			map.forEach((k, v) -> result.put(String.valueOf(k), (v != null) ? String.valueOf(v) : null));
		}
		else if (environment instanceof List<?> entries) {
			for (Object entry : entries) {
				String[] pair = String.valueOf(entry).split("=", 2);
				result.put(pair[0], (pair.length > 1) ? pair[1] : null);
			}
		}
		return result;
	}

	private static String healthcheckCommand(String service) {
		Object test = map(services.get(service).get("healthcheck")).get("test");
		return (test instanceof List<?> parts) ? String.join(" ", parts.stream().map(String::valueOf).toList())
				: String.valueOf(test);
	}

	private static List<String> memoryLimits(Map<String, Object> service) {
		List<String> limits = new ArrayList<>();
		Object deployLimit = path(service, "deploy", "resources", "limits", "memory");
		if (deployLimit != null) {
			limits.add(String.valueOf(deployLimit).toLowerCase(Locale.ROOT));
		}
		if (service.get("mem_limit") != null) {
			limits.add(String.valueOf(service.get("mem_limit")).toLowerCase(Locale.ROOT));
		}
		return limits;
	}

	/**
	 * Published ports as {@code hostIp:hostPort->containerPort} (no host IP:
	 * {@code 0.0.0.0}, every interface).
	 */
	private static List<String> publishedPorts(String service) {
		return list(services.get(service).get("ports")).stream().map(ComposeFileTests::publishedPort).toList();
	}

	/**
	 * One entry of {@code ports}: short ("[ip:][host:]container[/proto]") or long syntax.
	 */
	private static String publishedPort(Object port) {
		if (port instanceof Map<?, ?> spec) {
			Object hostIp = spec.get("host_ip");
			Object published = spec.get("published");
			return ((hostIp != null) ? hostIp : "0.0.0.0") + ":" + ((published != null) ? published : "*") + "->"
					+ spec.get("target");
		}
		String text = String.valueOf(port).replaceAll("/(tcp|udp)$", "");
		Matcher matcher = Pattern.compile("(?:(\\[[^\\]]+\\]|[^:\\[]+):)?(?:(\\d+(?:-\\d+)?):)?(\\d+(?:-\\d+)?)")
			.matcher(text);
		assertThat(matcher.matches()).as("port %s", port).isTrue();
		String hostIp = matcher.group(1);
		String hostPort = matcher.group(2);
		if (hostPort == null && hostIp != null && hostIp.matches("\\d+(-\\d+)?")) {
			hostPort = hostIp;
			hostIp = null;
		}
		return ((hostIp != null) ? hostIp : "0.0.0.0") + ":" + ((hostPort != null) ? hostPort : "*") + "->"
				+ matcher.group(3);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (value instanceof Map<?, ?>) ? (Map<String, Object>) value : Map.of();
	}

	private static List<Object> list(Object value) {
		return (value instanceof List<?> list) ? new ArrayList<>(list) : List.of();
	}

	private static Object path(Map<String, Object> map, String... keys) {
		Object current = map;
		for (String key : keys) {
			current = map(current).get(key);
		}
		return current;
	}

	// --- environment variable name to configuration property

	/**
	 * Spring Boot's reading of an environment variable name, e.g. {@code A_B_0_C} is
	 * {@code a.b[0].c}.
	 */
	static String canonical(String envName) {
		StringBuilder name = new StringBuilder();
		for (String part : tokens(envName)) {
			if (part.chars().allMatch(Character::isDigit)) {
				name.append('[').append(part).append(']');
			}
			else {
				name.append(name.isEmpty() ? "" : ".").append(part.toLowerCase(Locale.ROOT));
			}
		}
		return name.toString();
	}

	private static List<String> tokens(String envName) {
		return Arrays.stream(envName.toUpperCase(Locale.ROOT).split("_")).filter((t) -> !t.isEmpty()).toList();
	}

	/**
	 * Whether the environment variable binds to one of the property templates
	 * ({@code [*]}: any index).
	 */
	static boolean isKnown(String envName, Set<String> templates) {
		List<String> tokens = tokens(envName);
		for (String template : templates) {
			if (matches(tokens, 0, elements(template), 0)) {
				return true;
			}
		}
		return false;
	}

	private static List<String> elements(String template) {
		List<String> elements = new ArrayList<>();
		for (String part : template.split("\\.")) {
			Matcher indexed = Pattern.compile("([^\\[]*)((?:\\[\\*])*)").matcher(part);
			if (!indexed.matches()) {
				throw new IllegalArgumentException(template);
			}
			if (!indexed.group(1).isEmpty()) {
				elements.add(indexed.group(1));
			}
			for (int i = 0; i < indexed.group(2).length() / 3; i++) {
				elements.add("[*]");
			}
		}
		return elements;
	}

	private static boolean matches(List<String> tokens, int t, List<String> elements, int e) {
		if (e == elements.size()) {
			return t == tokens.size();
		}
		if (t == tokens.size()) {
			return false;
		}
		String element = elements.get(e);
		if (element.equals("[*]")) {
			return tokens.get(t).chars().allMatch(Character::isDigit) && matches(tokens, t + 1, elements, e + 1);
		}
		String upper = element.toUpperCase(Locale.ROOT);
		// current form: dashes removed (KEYFILE)
		if (tokens.get(t).equals(upper.replace("-", "")) && matches(tokens, t + 1, elements, e + 1)) {
			return true;
		}
		// legacy form: dashes as underscores (KEY_FILE)
		String[] words = upper.split("-");
		if (words.length > 1 && t + words.length <= tokens.size()
				&& tokens.subList(t, t + words.length).equals(Arrays.asList(words))) {
			return matches(tokens, t + words.length, elements, e + 1);
		}
		return false;
	}

	// --- known properties of each app

	/**
	 * Property templates ({@code [*]}: any index) of the app's {@code gatehouse.*} keys,
	 * read from the configuration metadata that
	 * {@code spring-boot-configuration-processor} generates when the app compiles
	 * ({@code <app>/target/classes/META-INF/spring-configuration-metadata.json}), plus
	 * the reviewed {@code spring.*} keys. A list of records (e.g.
	 * {@code gatehouse.gateway.issuers}) is one property of type {@code List<…$Issuer>}
	 * in the metadata: its element's components are read from the compiled record.
	 */
	static Set<String> knownProperties(String app) throws IOException {
		Set<String> known = new TreeSet<>(SPRING_KEYS.get(app));
		Path classes = root.resolve(app).resolve("target/classes");
		Path file = classes.resolve("META-INF/spring-configuration-metadata.json");
		assertThat(file)
			.as("%s configuration metadata: compile %s first (./mvnw verify builds it before demo)", app, app)
			.exists();
		Map<String, Object> metadata = parseMetadata(Files.readString(file));
		try (URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() },
				ComposeFileTests.class.getClassLoader())) {
			for (Object entry : list(metadata.get("properties"))) {
				Map<String, Object> property = map(entry);
				String name = String.valueOf(property.get("name"));
				if (name.startsWith("gatehouse.")) {
					addTemplates(name, String.valueOf(property.get("type")), loader, known);
				}
			}
		}
		return known;
	}

	private static void addTemplates(String name, String type, ClassLoader loader, Set<String> into) {
		Matcher collection = Pattern.compile("java\\.util\\.(?:List|Set|Collection)<(.+)>").matcher(type);
		if (type.startsWith("java.util.Map<")) {
			throw new IllegalStateException("Map-typed property " + name + ": teach ComposeFileTests about it");
		}
		if (!collection.matches()) {
			into.add(name);
			return;
		}
		Class<?> element = recordClass(collection.group(1), loader);
		if (element != null) {
			addRecordTemplates(name + "[*]", element, into, 0);
		}
		else {
			// a list binds from NAME_0, NAME_1 ... and from one comma-separated NAME
			into.add(name);
			into.add(name + "[*]");
		}
	}

	private static void addRecordTemplates(String prefix, Class<?> record, Set<String> into, int depth) {
		if (depth > 10) {
			throw new IllegalStateException("records nest too deep at " + prefix);
		}
		for (RecordComponent component : record.getRecordComponents()) {
			String name = prefix + "." + kebab(component.getName());
			if (Collection.class.isAssignableFrom(component.getType())
					&& component.getGenericType() instanceof ParameterizedType generic
					&& generic.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
				addRecordTemplates(name + "[*]", element, into, depth + 1);
			}
			else if (Collection.class.isAssignableFrom(component.getType())) {
				into.add(name);
				into.add(name + "[*]");
			}
			else if (Map.class.isAssignableFrom(component.getType())) {
				throw new IllegalStateException("Map-typed component " + name + ": teach ComposeFileTests about it");
			}
			else if (component.getType().isRecord()) {
				addRecordTemplates(name, component.getType(), into, depth + 1);
			}
			else {
				into.add(name);
			}
		}
	}

	/**
	 * The app's record named in the metadata, or {@code null} for a JDK or library type.
	 */
	private static Class<?> recordClass(String type, ClassLoader loader) {
		if (!type.startsWith("dev.gatehouse.")) {
			return null;
		}
		try {
			Class<?> type0 = Class.forName(type, false, loader);
			return type0.isRecord() ? type0 : null;
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException("metadata names " + type + ", which is not in the compiled classes", ex);
		}
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	/**
	 * A configuration metadata document. JSON is YAML: SnakeYAML reads it without another
	 * dependency (YAML does not know JSON's escaped solidus "\\/" and refuses tabs as
	 * indentation; JSON strings cannot hold a raw tab, so every tab is whitespace).
	 */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> parseMetadata(String json) {
		return new Yaml().load(json.replaceAll("(?<!\\\\)((?:\\\\\\\\)*)\\\\/", "$1/").replace('\t', ' '));
	}

	// --- Spring's configuration metadata inside a built Boot jar

	/**
	 * Property names of every {@code (additional-)spring-configuration-metadata.json} in
	 * the jar's libraries.
	 */
	@SuppressWarnings("unchecked")
	private static Set<String> springMetadataProperties(Path bootJar) throws IOException {
		Set<String> names = new LinkedHashSet<>();
		try (ZipFile zip = new ZipFile(bootJar.toFile())) {
			Enumeration<? extends ZipEntry> entries = zip.entries();
			while (entries.hasMoreElements()) {
				ZipEntry entry = entries.nextElement();
				if (!entry.getName().startsWith("BOOT-INF/lib/") || !entry.getName().endsWith(".jar")) {
					continue;
				}
				try (ZipInputStream nested = new ZipInputStream(zip.getInputStream(entry))) {
					for (ZipEntry inner; (inner = nested.getNextEntry()) != null;) {
						if (inner.getName().equals("META-INF/spring-configuration-metadata.json")
								|| inner.getName().equals("META-INF/additional-spring-configuration-metadata.json")) {
							Map<String, Object> metadata = parseMetadata(readAll(nested));
							for (Object property : list(metadata.get("properties"))) {
								names.add(String.valueOf(((Map<String, Object>) property).get("name")));
							}
						}
					}
				}
			}
		}
		return names;
	}

	private static String readAll(InputStream in) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		in.transferTo(out);
		return out.toString(StandardCharsets.UTF_8);
	}

}
