package dev.gatehouse.auth.revocation;

import java.io.IOException;
import java.net.ServerSocket;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import dev.gatehouse.auth.support.TestClockConfiguration;
import dev.gatehouse.auth.support.TestDatabase;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Redis is configured but not running: logins and revocations work, the service enforces
 * the revocation itself, and the outbox keeps it until a Redis server appears on that
 * port, then publishes it without a restart.
 */
@SpringBootTest(properties = "gatehouse.auth.revocation-retry-interval=1h")
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import({ TestClockConfiguration.class, TestUsers.class })
class RedisOutageTests {

	private static final int PORT = freePort();

	private static RedisServer redis;

	@Autowired
	MockMvc mvc;

	@Autowired
	TestUsers users;

	@Autowired
	RevocationOutbox outbox;

	@Autowired
	RevocationRelay relay;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestDatabase.shared().forEach((key, value) -> registry.add(key, () -> value));
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", () -> PORT);
	}

	@AfterAll
	static void stopRedis() throws IOException {
		if (redis != null) {
			redis.stop();
		}
	}

	@Test
	void aRevocationMadeWhileRedisIsDownIsEnforcedAtOnceAndPublishedWhenRedisComesUp() throws Exception {
		String user = this.users.create("outage-" + PORT, "user");
		String body = this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("username", user)
				.param("password", TestUsers.PASSWORD))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		String accessToken = JsonPath.read(body, "$.access_token");
		this.mvc.perform(post("/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED).param("token", accessToken))
			.andExpect(status().isOk());
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken))
			.andExpect(status().isUnauthorized());
		assertThat(this.relay.flush()).isZero();
		assertThat(this.outbox.size()).isGreaterThanOrEqualTo(1);

		redis = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(PORT)
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		redis.start();
		long published = 0;
		for (int attempt = 0; attempt < 50 && this.outbox.size() > 0; attempt++) {
			published += this.relay.flush();
		}
		assertThat(published).isGreaterThanOrEqualTo(1);
		assertThat(this.outbox.size()).isZero();
		String jti = JsonPath.read(new String(java.util.Base64.getUrlDecoder().decode(accessToken.split("\\.")[1])),
				"$.jti");
		LettuceConnectionFactory connections = new LettuceConnectionFactory("127.0.0.1", PORT);
		connections.afterPropertiesSet();
		connections.start();
		try {
			assertThat(new StringRedisTemplate(connections).hasKey("gatehouse:revoked:jti:" + jti)).isTrue();
		}
		finally {
			connections.destroy();
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
