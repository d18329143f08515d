package dev.gatehouse.gateway.revocation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.gatehouse.gateway.redis.RedisConnectionReadiness;
import dev.gatehouse.gateway.security.VerifiedToken;
import dev.gatehouse.gateway.support.TestRedis;

import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sync against a real Redis: what the auth-service writes (keys and messages) becomes
 * known to the view.
 */
class RedisRevocationSyncIT {

	private static final String ISSUER = "http://localhost:9000";

	/** The issuer as it appears, form-encoded, in a user revocation's key and message. */
	private static final String ENCODED_ISSUER = "http%3A%2F%2Flocalhost%3A9000";

	private ClientResources resources;

	private LettuceConnectionFactory connections;

	private RevocationView view;

	private RedisRevocationSync sync;

	private RedisConnectionReadiness readiness;

	private StringRedisTemplate redis;

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@BeforeEach
	void start() {
		this.resources = DefaultClientResources.create();
		this.connections = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", TestRedis.shared()),
				LettuceClientConfiguration.builder().clientResources(this.resources).build());
		this.connections.afterPropertiesSet();
		this.connections.start();
		this.redis = new StringRedisTemplate(this.connections);
		this.view = new RevocationView(Clock.systemUTC(), Duration.ofSeconds(30), Duration.ofHours(24));
		this.readiness = new RedisConnectionReadiness(this.connections);
		this.readiness.start();
		this.sync = new RedisRevocationSync(this.view, new ReactiveStringRedisTemplate(this.connections),
				this.connections, this.readiness, this.resources, Duration.ofHours(1), Clock.systemUTC(), this.meters);
		this.sync.start();
	}

	@AfterEach
	void stop() {
		this.sync.stop();
		this.readiness.stop();
		this.connections.destroy();
		this.resources.shutdown();
	}

	private static VerifiedToken token(String subject, String jti, String sid, Instant issuedAt) {
		return new VerifiedToken(ISSUER, subject, List.of(), List.of(), "web", jti, sid, issuedAt.plusSeconds(900),
				issuedAt);
	}

	@Test
	void publishedRevocationsOfEveryKindAreKnownAtOnce() {
		Instant now = Instant.now();
		long exp = now.getEpochSecond() + 900;
		// a precondition, not the behaviour under test (that is the 1 s below): generous,
		// so a loaded machine cannot fail it
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			// the subscription is asynchronous: publish until somebody listens
			return this.redis.convertAndSend(RedisRevocationSync.CHANNEL,
					"jti probe-" + now.toEpochMilli() + " " + exp) > 0;
		});
		this.redis.convertAndSend(RedisRevocationSync.CHANNEL, "jti j-1 " + exp);
		this.redis.convertAndSend(RedisRevocationSync.CHANNEL, "sid s-1 " + exp);
		this.redis.convertAndSend(RedisRevocationSync.CHANNEL,
				"user " + ENCODED_ISSUER + ":carol " + (now.getEpochSecond() + 1));
		await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
			assertThat(this.view.revoked(token("dave", "j-1", "s-9", now))).isTrue();
			assertThat(this.view.revoked(token("dave", "j-9", "s-1", now))).isTrue();
			assertThat(this.view.revoked(token("carol", "j-8", "s-8", now))).isTrue();
		});
		assertThat(this.view.revoked(token("carol", "j-7", "s-7", now.plusSeconds(1)))).isFalse();
		assertThat(this.view.revoked(token("dave", "j-6", "s-6", now))).isFalse();
	}

	@Test
	void resyncLoadsKeysWrittenWithoutAMessage() {
		Instant now = Instant.now();
		this.redis.opsForValue()
			.set(RedisRevocationSync.KEY_PREFIX + "jti:quiet-1", Long.toString(now.getEpochSecond() + 900),
					Duration.ofMinutes(15));
		this.redis.opsForValue()
			.set(RedisRevocationSync.KEY_PREFIX + "user:" + ENCODED_ISSUER + ":erin",
					Long.toString(now.getEpochSecond() + 1), Duration.ofMinutes(16));
		this.redis.opsForValue()
			.set(RedisRevocationSync.KEY_PREFIX + "jti:garbage", "not-a-number", Duration.ofMinutes(15));
		assertThat(this.sync.resync().block(Duration.ofSeconds(5))).isGreaterThanOrEqualTo(2);
		assertThat(this.view.revoked(token("frank", "quiet-1", "s", now))).isTrue();
		assertThat(this.view.revoked(token("erin", "j", "s", now))).isTrue();
		assertThat(this.view.revoked(new VerifiedToken("https://partner.example", "erin", List.of(), List.of(), "web",
				"j", "s", now.plusSeconds(900), now)))
			.as("another issuer's erin")
			.isFalse();
	}

	/**
	 * Every Redis command takes the connection factory's lock; a load must never wait for
	 * it on the Lettuce event loop that delivers the SCAN pages (BlockHound turns such a
	 * wait into an error, production would stall the loop).
	 */
	@Test
	void aLoadWhileOthersHoldTheConnectionFactoryLockNeverWaitsOnTheEventLoop() throws Exception {
		long exp = Instant.now().getEpochSecond() + 900;
		for (int i = 0; i < 1200; i++) {
			this.redis.opsForValue()
				.set(RedisRevocationSync.KEY_PREFIX + "jti:crowd-" + i, Long.toString(exp), Duration.ofMinutes(15));
		}
		AtomicBoolean loading = new AtomicBoolean(true);
		List<Thread> contenders = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			Thread contender = new Thread(() -> {
				while (loading.get()) {
					ReactiveRedisConnection connection = this.connections.getReactiveConnection();
					connection.closeLater().block();
				}
			});
			contender.start();
			contenders.add(contender);
		}
		try {
			for (int round = 0; round < 5; round++) {
				assertThat(this.sync.resync().block(Duration.ofSeconds(10))).isGreaterThanOrEqualTo(1200);
			}
		}
		finally {
			loading.set(false);
			for (Thread contender : contenders) {
				contender.join();
			}
			this.redis.delete(this.redis.keys(RedisRevocationSync.KEY_PREFIX + "jti:crowd-*"));
		}
		assertThat(this.meters.counter("gatehouse.gateway.revocation.sync.failures").count()).isZero();
	}

}
