package dev.gatehouse.auth.token;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.support.MutableClock;
import dev.gatehouse.auth.support.TestRedis;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two auth-service instances (two throttles) sharing one real Redis count failed logins
 * together; with Redis dead each goes on counting its own, quickly.
 */
class SharedLoginThrottleTests {

	private static final AuthProperties PROPERTIES = TestProperties.withTrustedProxies();

	private LettuceConnectionFactory connections;

	@AfterEach
	void close() {
		if (this.connections != null) {
			this.connections.destroy();
		}
	}

	/**
	 * A live Redis gets a generous timeout (a loaded build machine must not turn the test
	 * into a Redis outage).
	 */
	private RedisLoginFailures redisOnPort(int port) {
		return redisOnPort(port, (port == TestRedis.port()) ? Duration.ofSeconds(5) : Duration.ofMillis(200));
	}

	private RedisLoginFailures redisOnPort(int port, Duration timeout) {
		this.connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port),
				LettuceClientConfiguration.builder().commandTimeout(timeout).build());
		this.connections.afterPropertiesSet();
		this.connections.start();
		return new RedisLoginFailures(new StringRedisTemplate(this.connections));
	}

	@Test
	void failuresOnTwoInstancesAddUpAndASuccessClearsThemEverywhere() {
		RedisLoginFailures redis = redisOnPort(TestRedis.port());
		LoginThrottle first = throttle(redis, new SimpleMeterRegistry());
		LoginThrottle second = throttle(redis, new SimpleMeterRegistry());
		String user = "shared-" + UUID.randomUUID();
		for (int i = 0; i < 3; i++) {
			fail(first, user, "203.0.113.5");
		}
		fail(second, user, "203.0.113.5");
		assertThat(retryAfter(first, user, "203.0.113.5")).isZero();
		fail(second, user, "203.0.113.5");
		// 3 + 2 = 5: both instances refuse, for the rest of the 60 s window
		assertThat(retryAfter(first, user, "203.0.113.5")).isBetween(55L, 60L);
		assertThat(retryAfter(second, user, "203.0.113.5")).isBetween(55L, 60L);
		assertThat(retryAfter(second, user, "198.51.100.1")).isZero();
		assertThat(retryAfter(second, user.toUpperCase(), "203.0.113.5")).as("usernames are case-insensitive")
			.isPositive();

		String other = "shared-" + UUID.randomUUID();
		for (int i = 0; i < 3; i++) {
			fail(first, other, "203.0.113.5");
		}
		fail(second, other, "203.0.113.5");
		try (LoginThrottle.Attempt attempt = second.reserve(other, "203.0.113.5")) {
			attempt.succeeded();
		}
		fail(second, other, "203.0.113.5");
		// the success cleared the shared count: the first instance has only its own 3
		// failures
		assertThat(retryAfter(first, other, "203.0.113.5")).isZero();
	}

	@Test
	void concurrentAttemptsOnTwoInstancesReserveAtMostMaxFailuresChecksTogether() throws Exception {
		RedisLoginFailures redis = redisOnPort(TestRedis.port());
		LoginThrottle first = throttle(redis, new SimpleMeterRegistry());
		LoginThrottle second = throttle(redis, new SimpleMeterRegistry());
		String user = "race-" + UUID.randomUUID();
		// connected before the race: a first call that timed out would fall back to this
		// instance's counts
		first.reserve(user, "192.0.2.1").close();
		second.reserve(user, "192.0.2.1").close();
		java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
		int granted = LoginThrottleTests.reserveConcurrently(24,
				() -> ((calls.incrementAndGet() % 2 == 0) ? first : second).reserve(user, "203.0.113.7"));
		assertThat(granted).isEqualTo(5);
	}

	@Test
	void anUnsettledAttemptGivesItsSharedReservationBack() {
		RedisLoginFailures redis = redisOnPort(TestRedis.port());
		LoginThrottle throttle = throttle(redis, new SimpleMeterRegistry());
		String user = "release-" + UUID.randomUUID();
		for (int i = 0; i < 10; i++) {
			throttle(redis, new SimpleMeterRegistry()).reserve(user, "203.0.113.8").close();
		}
		for (int i = 0; i < 5; i++) {
			fail(throttle, user, "203.0.113.8");
		}
		assertThat(retryAfter(throttle(redis, new SimpleMeterRegistry()), user, "203.0.113.8")).isPositive();
	}

	@Test
	void withRedisDeadEachInstanceStillThrottlesOnItsOwnCountsWithoutWaitingOnRedis() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		// time stands still: however slow the machine, the backoff cannot run out here
		LoginThrottle throttle = new LoginThrottle("login", "Too many failed login attempts",
				PROPERTIES.loginThrottle(), new MutableClock(Instant.now()), redisOnPort(closedPort), meters);
		fail(throttle, "dora", "203.0.113.6");
		// after the first failed call Redis is not asked again during the backoff:
		// nothing waits on it
		for (int i = 0; i < 4; i++) {
			fail(throttle, "dora", "203.0.113.6");
		}
		assertThat(retryAfter(throttle, "dora", "203.0.113.6")).isPositive();
		// one failed call, then Redis is left alone for the backoff (counted, not timed:
		// a second call to the dead port would be counted too)
		assertThat(meters.counter("gatehouse.auth.login-throttle.store.failures").count()).isEqualTo(1);
	}

	private static LoginThrottle throttle(RedisLoginFailures redis, SimpleMeterRegistry meters) {
		return new LoginThrottle("login", "Too many failed login attempts", PROPERTIES.loginThrottle(),
				Clock.systemUTC(), redis, meters);
	}

	private static void fail(LoginThrottle throttle, String user, String address) {
		try (LoginThrottle.Attempt attempt = throttle.reserve(user, address)) {
			attempt.failed();
		}
	}

	/**
	 * @return the Retry-After of a refused attempt, or 0 when an attempt would be allowed
	 * (and is given back)
	 */
	private static long retryAfter(LoginThrottle throttle, String user, String address) {
		try {
			throttle.reserve(user, address).close();
			return 0;
		}
		catch (OAuthException ex) {
			return Long.parseLong(ex.headers().getFirst("Retry-After"));
		}
	}

}
