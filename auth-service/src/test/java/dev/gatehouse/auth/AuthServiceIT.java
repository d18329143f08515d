package dev.gatehouse.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatehouse.auth.support.TestDatabase;
import dev.gatehouse.auth.support.MutableClock;
import dev.gatehouse.auth.support.TestClockConfiguration;
import dev.gatehouse.auth.support.TestRedis;
import dev.gatehouse.auth.user.UserService;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The real service on a random port, driven over HTTP: whole flows, a restart on the same
 * data, the revocations it writes to a real Redis, and concurrent refreshes.
 */
class AuthServiceIT {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static LettuceConnectionFactory redisFactory;

	private static StringRedisTemplate redis;

	@TempDir
	Path dataDir;

	private ConfigurableApplicationContext context;

	private String base;

	private String management;

	/**
	 * Whether the bootstrap admin existed when each web server (service, management)
	 * started.
	 */
	private final List<Boolean> adminExistedAtServerStart = new ArrayList<>();

	@BeforeAll
	static void connectRedis() {
		redisFactory = new LettuceConnectionFactory("127.0.0.1", TestRedis.port());
		redisFactory.afterPropertiesSet();
		redisFactory.start();
		redis = new StringRedisTemplate(redisFactory);
	}

	@AfterAll
	static void disconnectRedis() {
		redisFactory.destroy();
	}

	@BeforeEach
	void start() {
		startService();
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	private void startService() {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.profiles.active=test",
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + TestRedis.port(),
				"--gatehouse.auth.bootstrap.admin.username=root",
				"--gatehouse.auth.bootstrap.admin.password=root-password", "--management.server.port=0"));
		TestDatabase.durable(this.dataDir).forEach((key, value) -> args.add("--" + key + "=" + value));
		this.context = new SpringApplicationBuilder(AuthServiceApplication.class, TestClockConfiguration.class)
			.listeners((ApplicationListener<WebServerInitializedEvent>) (event) -> this.adminExistedAtServerStart
				.add(event.getApplicationContext().getBean(UserService.class).find("root").isPresent()))
			.run(args.toArray(String[]::new));
		this.base = "http://127.0.0.1:" + ((WebServerApplicationContext) this.context).getWebServer().getPort();
		this.management = "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.management.port");
	}

	private void restart() {
		this.context.close();
		startService();
	}

	@Test
	void theBootstrapAdminExistsBeforeTheServerAcceptsRequests() {
		assertThat(this.adminExistedAtServerStart).isNotEmpty().containsOnly(true);
	}

	@Test
	void theActuatorAnswersOnTheManagementPortOnly() throws Exception {
		assertThat(http
			.send(HttpRequest.newBuilder(URI.create(this.management + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(200);
		assertThat(http
			.send(HttpRequest.newBuilder(URI.create(this.base + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(404);
	}

	@Test
	void loginRefreshReuseAttackRevokeAndLogout() throws Exception {
		String admin = accessToken(login("root", "root-password"));
		createUser(admin, "walter", "heisenberg!");

		Map<String, Object> session = login("walter", "heisenberg!");
		assertThat(get("/users/me", accessToken(session)).statusCode()).isEqualTo(200);

		// a stolen refresh token, replayed after the legitimate client rotated it, kills
		// the whole login
		String stolen = (String) session.get("refresh_token");
		Map<String, Object> rotated = json(
				form("/token", Map.of("grant_type", "refresh_token", "refresh_token", stolen), null));
		waitPastGrace();
		HttpResponse<String> replay = form("/token", Map.of("grant_type", "refresh_token", "refresh_token", stolen),
				null);
		assertThat(replay.statusCode()).isEqualTo(400);
		assertThat(replay.body()).contains("invalid_grant");
		assertThat(get("/users/me", accessToken(rotated)).statusCode()).isEqualTo(401);

		// revoke an access token
		Map<String, Object> second = login("walter", "heisenberg!");
		assertThat(form("/revoke", Map.of("token", accessToken(second)), null).statusCode()).isEqualTo(200);
		assertThat(get("/users/me", accessToken(second)).statusCode()).isEqualTo(401);

		// logout ends the session
		Map<String, Object> third = login("walter", "heisenberg!");
		HttpResponse<String> logout = http.send(HttpRequest.newBuilder(URI.create(this.base + "/logout"))
			.header("Authorization", "Bearer " + accessToken(third))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(logout.statusCode()).isEqualTo(204);
		assertThat(form("/token",
				Map.of("grant_type", "refresh_token", "refresh_token", (String) third.get("refresh_token")), null)
			.statusCode()).isEqualTo(400);
	}

	@Test
	void adminDisablesAUserThenThatUsersRefreshFails() throws Exception {
		String admin = accessToken(login("root", "root-password"));
		createUser(admin, "jesse", "yo-science!");
		Map<String, Object> session = login("jesse", "yo-science!");
		HttpResponse<String> disable = http.send(HttpRequest.newBuilder(URI.create(this.base + "/admin/users/jesse"))
			.header("Authorization", "Bearer " + admin)
			.header("Content-Type", "application/json")
			.method("PATCH", HttpRequest.BodyPublishers.ofString("{\"disabled\":true}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(disable.statusCode()).isEqualTo(200);
		HttpResponse<String> refresh = form("/token",
				Map.of("grant_type", "refresh_token", "refresh_token", (String) session.get("refresh_token")), null);
		assertThat(refresh.statusCode()).isEqualTo(400);
		assertThat(refresh.body()).contains("invalid_grant");
		assertThat(get("/users/me", accessToken(session)).statusCode()).isEqualTo(401);
		HttpResponse<String> relogin = form("/token", Map.of("username", "jesse", "password", "yo-science!"), null);
		assertThat(relogin.body()).contains("Inactive user");
	}

	@Test
	void restartKeepsUsersSessionsAndKeys() throws Exception {
		String admin = accessToken(login("root", "root-password"));
		createUser(admin, "skyler", "car-wash-money");
		Map<String, Object> session = login("skyler", "car-wash-money");
		restart();
		assertThat(get("/users/me", accessToken(session)).statusCode()).isEqualTo(200);
		Map<String, Object> refreshed = json(form("/token",
				Map.of("grant_type", "refresh_token", "refresh_token", (String) session.get("refresh_token")), null));
		assertThat(refreshed).containsKey("access_token");
		login("skyler", "car-wash-money");
		// the bootstrap admin was created once, not twice
		assertThat(JsonPath.<List<String>>read(get("/admin/users", accessToken(login("root", "root-password"))).body(),
				"$[*].username"))
			.containsOnlyOnce("root");
	}

	@Test
	void revocationsReachRedisAsKeysWithTtlsAndPubSubMessages() throws Exception {
		BlockingQueue<String> messages = new LinkedBlockingQueue<>();
		RedisMessageListenerContainer listener = new RedisMessageListenerContainer();
		listener.setConnectionFactory(redisFactory);
		listener.addMessageListener(
				(message, pattern) -> messages.add(new String(message.getBody(), StandardCharsets.UTF_8)),
				new ChannelTopic("gatehouse:revocations"));
		listener.afterPropertiesSet();
		listener.start();
		try {
			String admin = accessToken(login("root", "root-password"));
			createUser(admin, "hank", "minerals-4-ever");
			Map<String, Object> session = login("hank", "minerals-4-ever");
			String jti = JsonPath.read(decodePayload(accessToken(session)), "$.jti");
			String sid = JsonPath.read(decodePayload(accessToken(session)), "$.sid");

			form("/revoke", Map.of("token", accessToken(session)), null);
			assertThat(messages.poll(5, TimeUnit.SECONDS)).startsWith("jti " + jti + " ");
			assertThat(redis.opsForValue().get("gatehouse:revoked:jti:" + jti)).isNotNull();
			// until exp (15 min) + the gateways' clock skew (60 s) + margin (60 s)
			assertThat(redis.getExpire("gatehouse:revoked:jti:" + jti)).isBetween(1000L, 1020L);

			form("/revoke", Map.of("token", (String) session.get("refresh_token")), null);
			assertThat(messages.poll(5, TimeUnit.SECONDS)).startsWith("sid " + sid + " ");
			assertThat(redis.hasKey("gatehouse:revoked:sid:" + sid)).isTrue();

			http.send(HttpRequest.newBuilder(URI.create(this.base + "/admin/users/hank"))
				.header("Authorization", "Bearer " + admin)
				.DELETE()
				.build(), HttpResponse.BodyHandlers.ofString());
			// keyed by issuer (http://auth.test, form-encoded) and subject
			assertThat(messages.poll(5, TimeUnit.SECONDS)).startsWith("user http%3A%2F%2Fauth.test:hank ");
			assertThat(Long.parseLong(redis.opsForValue().get("gatehouse:revoked:user:http%3A%2F%2Fauth.test:hank")))
				.isCloseTo(this.context.getBean(MutableClock.class).instant().getEpochSecond(), within(1L));
		}
		finally {
			listener.stop();
			listener.destroy();
		}
	}

	@Test
	void failedLoginsAreCountedInRedisSoFailuresOnOtherInstancesCountToo() throws Exception {
		String admin = accessToken(login("root", "root-password"));
		String user = "saul" + (System.nanoTime() % 1_000_000);
		createUser(admin, user, "better-call-me");
		for (int i = 0; i < 3; i++) {
			assertThat(form("/token", Map.of("grant_type", "password", "username", user, "password", "wrong"), null)
				.statusCode()).isEqualTo(400);
		}
		String key = "gatehouse:login-failures:" + java.util.HexFormat.of()
			.formatHex(java.security.MessageDigest.getInstance("SHA-256")
				.digest((user + "\n127.0.0.1").getBytes(StandardCharsets.UTF_8)));
		assertThat(redis.opsForValue().get(key)).isEqualTo("3");
		assertThat(redis.getExpire(key)).isBetween(1L, 60L);
		// two more failures at another instance: this one refuses even the right password
		redis.opsForValue().increment(key, 2);
		HttpResponse<String> refused = form("/token",
				Map.of("grant_type", "password", "username", user, "password", "better-call-me"), null);
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		redis.delete(key);
		assertThat(
				form("/token", Map.of("grant_type", "password", "username", user, "password", "better-call-me"), null)
					.statusCode())
			.isEqualTo(200);
	}

	@Test
	void twentyConcurrentRefreshesWithOneTokenNeverDiverge() throws Exception {
		String admin = accessToken(login("root", "root-password"));
		createUser(admin, "gus", "los-pollos-hermanos");
		String token = (String) login("gus", "los-pollos-hermanos").get("refresh_token");
		ExecutorService pool = Executors.newFixedThreadPool(20);
		CountDownLatch go = new CountDownLatch(1);
		try {
			List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				calls.add(CompletableFuture.supplyAsync(() -> {
					try {
						go.await();
						return form("/token", Map.of("grant_type", "refresh_token", "refresh_token", token), null);
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}, pool));
			}
			go.countDown();
			Set<String> successors = new HashSet<>();
			for (CompletableFuture<HttpResponse<String>> call : calls) {
				HttpResponse<String> response = call.get(30, TimeUnit.SECONDS);
				if (response.statusCode() == 200) {
					successors.add(JsonPath.read(response.body(), "$.refresh_token"));
				}
				else {
					assertThat(response.statusCode()).isEqualTo(400);
				}
			}
			// one live chain: every success got the same successor, and that successor
			// works
			assertThat(successors).hasSize(1);
			HttpResponse<String> next = form("/token",
					Map.of("grant_type", "refresh_token", "refresh_token", successors.iterator().next()), null);
			assertThat(next.statusCode()).isEqualTo(200);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void hostileInputIsAnswered4xxNeverA500() throws Exception {
		List<HttpResponse<String>> answers = new ArrayList<>();
		answers.add(form("/token",
				Map.of("grant_type", "password", "username", "root", "password", "p".repeat(1024 * 1024)), null));
		answers.add(raw("/token", "application/x-www-form-urlencoded",
				"grant_type=password&grant_type=password&username=a&password=b"));
		answers.add(raw("/token", "text/plain", "grant_type=password&username=a&password=b"));
		answers.add(raw("/token", "application/json",
				"{\"grant_type\":\"password\",\"username\":\"root\",\"password\":\"root-password\"}"));
		answers.add(form("/token", Map.of("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), null));
		answers.add(raw("/token", "application/x-www-form-urlencoded", "grant_type=%zz&%%%"));
		answers.add(raw("/admin/users", "application/json", "{\"username\":"));
		answers.add(raw("/logout", "application/x-www-form-urlencoded", "everywhere=%zz"));
		answers.add(get("/users/me", "a.b"));
		answers.add(get("/users/me", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJyb290In0."));
		for (HttpResponse<String> answer : answers) {
			assertThat(answer.statusCode()).as(answer.uri() + " " + answer.body()).isBetween(400, 499);
			assertThat(answer.body()).doesNotContain("Exception").doesNotContain("at dev.gatehouse");
		}
	}

	private void createUser(String adminToken, String username, String password)
			throws IOException, InterruptedException {
		HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(this.base + "/admin/users"))
			.header("Authorization", "Bearer " + adminToken)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"username\":\"" + username + "\",\"password\":\"" + password + "\",\"roles\":[\"user\"]}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
	}

	private Map<String, Object> login(String username, String password) throws IOException, InterruptedException {
		HttpResponse<String> response = form("/token",
				Map.of("grant_type", "password", "username", username, "password", password), null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json(response);
	}

	private HttpResponse<String> form(String path, Map<String, String> fields, String authorization)
			throws IOException, InterruptedException {
		String body = new LinkedHashMap<>(fields).entrySet()
			.stream()
			.map((e) -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> raw(String path, String contentType, String body)
			throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path, String accessToken) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Authorization", "Bearer " + accessToken)
			.GET()
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static Map<String, Object> json(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JsonPath.read(response.body(), "$");
	}

	private static String accessToken(Map<String, Object> tokens) {
		return (String) tokens.get("access_token");
	}

	private static String decodePayload(String jwt) {
		return new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
	}

	/** Moves the service's clock past the 2 s reuse grace window: nothing sleeps. */
	private void waitPastGrace() {
		this.context.getBean(MutableClock.class).advance(Duration.ofMillis(2100));
	}

}
