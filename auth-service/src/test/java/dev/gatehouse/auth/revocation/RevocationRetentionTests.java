package dev.gatehouse.auth.revocation;

import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestRedis;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Revocations outlive the tokens they concern by the gateways' clock skew plus a margin
 * (default 60 s + 60 s), in Redis and in the denylist, and user revocations are keyed by
 * issuer and subject. The clock is moved, never waited for; Redis TTLs are read right
 * after writing.
 */
class RevocationRetentionTests extends MockMvcTestSupport {

	/** gatehouse.auth.gateway-clock-skew (default) + margin. */
	private static final long RETENTION = 120;

	private static final long ACCESS_TOKEN_TTL = Duration.ofMinutes(15).toSeconds();

	private static final String ISSUER = "http%3A%2F%2Fauth.test";

	@Autowired
	StringRedisTemplate redis;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	RevocationOutbox outbox;

	@Autowired
	RevocationRelay relay;

	@Autowired
	Housekeeping housekeeping;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", TestRedis::port);
		registry.add("gatehouse.auth.revocation-retry-interval", () -> "1h");
	}

	/**
	 * Flushes until the outbox is empty (a flush finds nothing to do while the relay's
	 * own one runs).
	 */
	private void publishAll() {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			this.relay.flush();
			return this.outbox.size() == 0;
		});
	}

	private static String claim(String accessToken, String name) {
		return JsonPath.read(new String(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1])), "$." + name)
			.toString();
	}

	@Test
	void anAccessTokenPastExpiryButInsideTheGatewaysSkewIsStillRevokedAndKeptUntilSkewAndMarginHavePassed()
			throws Exception {
		String user = this.users.create(uniqueName("ret"), "user");
		String accessToken = (String) login(user, TestUsers.PASSWORD).get("access_token");
		String jti = claim(accessToken, "jti");
		long exp = Long.parseLong(claim(accessToken, "exp"));
		// 45 s past exp: beyond the auth-service's own 30 s, within the gateways' 60 s
		this.clock.set(java.time.Instant.ofEpochSecond(exp + 45));
		this.mvc.perform(post("/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED).param("token", accessToken))
			.andExpect(status().isOk());
		publishAll();
		String key = "gatehouse:revoked:jti:" + jti;
		assertThat(this.redis.opsForValue().get(key)).isEqualTo(Long.toString(exp));
		assertThat(this.redis.getExpire(key)).isBetween(RETENTION - 45 - 5, RETENTION - 45);

		this.clock.set(java.time.Instant.ofEpochSecond(exp + RETENTION - 1));
		this.housekeeping.purge();
		assertThat(denylisted(jti)).as("kept while a gateway could accept the token").isTrue();
		this.clock.set(java.time.Instant.ofEpochSecond(exp + RETENTION + 1));
		this.housekeeping.purge();
		assertThat(denylisted(jti)).isFalse();
	}

	@Test
	void aTokenNoGatewayAcceptsAnyMoreIsNotRecorded() throws Exception {
		String user = this.users.create(uniqueName("old"), "user");
		String accessToken = (String) login(user, TestUsers.PASSWORD).get("access_token");
		this.clock.set(java.time.Instant.ofEpochSecond(Long.parseLong(claim(accessToken, "exp")) + RETENTION + 1));
		this.mvc.perform(post("/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED).param("token", accessToken))
			.andExpect(status().isOk());
		assertThat(denylisted(claim(accessToken, "jti"))).isFalse();
	}

	@Test
	void aUserRevocationIsKeyedByIssuerAndSubjectAndOutlivesEveryTokenIssuedBeforeIt() throws Exception {
		String user = this.users.create(uniqueName("all"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(post("/logout").param("everywhere", "true")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.get("access_token")))
			.andExpect(status().isNoContent());
		publishAll();
		String key = "gatehouse:revoked:user:" + ISSUER + ":" + user;
		long notBefore = Long.parseLong(this.redis.opsForValue().get(key));
		long now = this.clock.instant().getEpochSecond();
		assertThat(notBefore).isEqualTo(now + 1);
		// the last token dated before notBefore expires by notBefore + TTL; gateways
		// accept it RETENTION longer
		assertThat(this.redis.getExpire(key)).isBetween(ACCESS_TOKEN_TTL + RETENTION - 5,
				ACCESS_TOKEN_TTL + RETENTION + 1);
		assertThat(this.redis.hasKey("gatehouse:revoked:user:" + user)).as("no key without the issuer").isFalse();
	}

	@Test
	void aRevokedLoginIsKeptUntilItsLastAccessTokenIsPastExpiryAndSkew() throws Exception {
		String user = this.users.create(uniqueName("sid"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		String sid = claim((String) tokens.get("access_token"), "sid");
		this.mvc
			.perform(post("/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("token", (String) tokens.get("refresh_token")))
			.andExpect(status().isOk());
		publishAll();
		String key = "gatehouse:revoked:sid:" + sid;
		long lastExpiry = Long.parseLong(this.redis.opsForValue().get(key));
		long now = this.clock.instant().getEpochSecond();
		assertThat(lastExpiry).isBetween(now + ACCESS_TOKEN_TTL, now + ACCESS_TOKEN_TTL + 1);
		assertThat(this.redis.getExpire(key)).isBetween(ACCESS_TOKEN_TTL + RETENTION - 5,
				ACCESS_TOKEN_TTL + RETENTION + 1);
	}

	@Test
	void anOutboxRowQueuedBeforeTheIssuerColumnIsPublishedUnderTheConfiguredIssuer() {
		String user = uniqueName("legacy");
		long now = this.clock.millis();
		this.jdbc.sql(
				"insert into revocation_outbox (kind, subject, val, expires_at, created_at) values ('user', ?, ?, ?, ?)")
			.params(user, now / 1000 + 1, now + 600_000, now)
			.update();
		publishAll();
		assertThat(this.redis.hasKey("gatehouse:revoked:user:" + ISSUER + ":" + user)).isTrue();
	}

	private boolean denylisted(String jti) {
		return this.jdbc.sql("select count(*) from revoked_access_tokens where jti = ?")
			.param(jti)
			.query(Long.class)
			.single() > 0;
	}

}
