package dev.gatehouse.auth;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatehouse.auth.support.DpopProofs;
import dev.gatehouse.auth.support.MutableClock;
import dev.gatehouse.auth.support.TestClockConfiguration;
import dev.gatehouse.auth.support.TestDatabase;
import dev.gatehouse.auth.support.TestRedis;
import dev.gatehouse.auth.user.UserService;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP end to end over HTTP: the real service behind a gateway URL
 * ({@code gatehouse.auth.dpop.public-token-url}), its replay cache in a real Redis, and a
 * refresh rotation that keeps the binding while a stolen refresh token without the key is
 * refused.
 */
class DpopIT {

	/** The URL clients reach {@code /token} at, through a gateway that strips /auth. */
	private static final String PUBLIC_TOKEN_URL = "https://gateway.test/auth/token";

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static LettuceConnectionFactory redisFactory;

	private static StringRedisTemplate redis;

	@TempDir
	Path dataDir;

	private ConfigurableApplicationContext context;

	private String base;

	/** The service's clock: it stands still unless a test moves it. */
	private MutableClock clock;

	/**
	 * A user of this test only: with PostgreSQL the tests of a JVM share one schema.
	 */
	private String username;

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
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.profiles.active=test",
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + TestRedis.port(),
				"--management.server.port=0", "--gatehouse.auth.dpop.public-token-url=" + PUBLIC_TOKEN_URL));
		TestDatabase.durable(this.dataDir).forEach((key, value) -> args.add("--" + key + "=" + value));
		this.context = new SpringApplicationBuilder(AuthServiceApplication.class, TestClockConfiguration.class)
			.run(args.toArray(String[]::new));
		this.base = "http://127.0.0.1:" + ((WebServerApplicationContext) this.context).getWebServer().getPort();
		this.clock = this.context.getBean(MutableClock.class);
		this.username = "dpop-user-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		this.context.getBean(UserService.class)
			.create(this.username, "dpop user password", this.username + "@example.com", "DPoP User", List.of("user"));
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void aDpopRefreshRotationKeepsTheBindingAndAStolenRefreshTokenWithoutTheKeyGets400() throws Exception {
		KeyPair key = DpopProofs.ec();
		String jkt = DpopProofs.thumbprint(key);
		String loginProof = proof(key);
		HttpResponse<String> login = token(
				Map.of("grant_type", "password", "username", this.username, "password", "dpop user password"),
				loginProof);
		assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
		assertThat(field(login, "token_type")).isEqualTo("DPoP");
		assertThat(accessTokenJkt(login)).isEqualTo(jkt);
		// the proof's id is held in Redis for max-age plus clock-skew
		Long ttl = redis.getExpire(replayKey(jkt, loginProof), java.util.concurrent.TimeUnit.MILLISECONDS);
		assertThat(ttl).isPositive().isLessThanOrEqualTo(65_000);

		HttpResponse<String> rotated = token(
				Map.of("grant_type", "refresh_token", "refresh_token", field(login, "refresh_token")), proof(key));
		assertThat(rotated.statusCode()).isEqualTo(200);
		assertThat(field(rotated, "token_type")).isEqualTo("DPoP");
		assertThat(accessTokenJkt(rotated)).isEqualTo(jkt);
		String current = field(rotated, "refresh_token");

		// stolen: without a proof, and with a proof of the thief's own key
		HttpResponse<String> withoutKey = token(Map.of("grant_type", "refresh_token", "refresh_token", current), null);
		assertThat(withoutKey.statusCode()).isEqualTo(400);
		assertThat(field(withoutKey, "error")).isEqualTo("invalid_dpop_proof");
		HttpResponse<String> otherKey = token(Map.of("grant_type", "refresh_token", "refresh_token", current),
				proof(DpopProofs.ec()));
		assertThat(otherKey.statusCode()).isEqualTo(400);
		assertThat(field(otherKey, "error")).isEqualTo("invalid_dpop_proof");

		// the owner's session goes on
		HttpResponse<String> again = token(Map.of("grant_type", "refresh_token", "refresh_token", current), proof(key));
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(accessTokenJkt(again)).isEqualTo(jkt);
	}

	@Test
	void aProofIsSingleUseAndMustNameThePublicTokenUrl() throws Exception {
		KeyPair key = DpopProofs.ed25519();
		String proof = proof(key);
		Map<String, String> login = Map.of("grant_type", "password", "username", this.username, "password",
				"dpop user password");
		assertThat(token(login, proof).statusCode()).isEqualTo(200);
		HttpResponse<String> replayed = token(login, proof);
		assertThat(replayed.statusCode()).isEqualTo(400);
		assertThat(field(replayed, "error_description")).isEqualTo("The DPoP proof was used before");
		// the URL the request arrived at is not the one clients see
		HttpResponse<String> direct = token(login, DpopProofs.proof(key, io.jsonwebtoken.Jwts.SIG.EdDSA, "POST",
				this.base + "/token", this.clock.instant(), null));
		assertThat(direct.statusCode()).isEqualTo(400);
		assertThat(field(direct, "error_description")).isEqualTo("The DPoP proof is for another URL");
	}

	private String proof(KeyPair key) {
		return DpopProofs.proof(key, key.getPublic().getAlgorithm().equals("EC") ? io.jsonwebtoken.Jwts.SIG.ES256
				: io.jsonwebtoken.Jwts.SIG.EdDSA, "POST", PUBLIC_TOKEN_URL, this.clock.instant(), null);
	}

	private HttpResponse<String> token(Map<String, String> fields, String proof) throws Exception {
		String body = new LinkedHashMap<>(fields).entrySet()
			.stream()
			.map((e) -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + "/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (proof != null) {
			request.header("DPoP", proof);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String field(HttpResponse<String> response, String name) {
		return JsonPath.read(response.body(), "$." + name);
	}

	private static String accessTokenJkt(HttpResponse<String> response) {
		String payload = field(response, "access_token").split("\\.")[1];
		return JsonPath.read(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8), "$.cnf.jkt");
	}

	private static String replayKey(String jkt, String proof) throws Exception {
		String jti = JsonPath
			.read(new String(Base64.getUrlDecoder().decode(proof.split("\\.")[1]), StandardCharsets.UTF_8), "$.jti");
		return "gatehouse:auth:dpop:jti:" + HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest((jkt + ":" + jti).getBytes(StandardCharsets.UTF_8)));
	}

}
