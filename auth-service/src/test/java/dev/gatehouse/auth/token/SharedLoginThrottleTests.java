package dev.gatehouse.auth.token;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.support.TestRedis;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two auth-service instances (two throttles) sharing one real Redis count failed logins together; with Redis dead each
 * goes on counting its own, quickly.
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

	private RedisLoginFailures redisOnPort(int port) {
		this.connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(200)).build());
		this.connections.afterPropertiesSet();
		this.connections.start();
		return new RedisLoginFailures(new StringRedisTemplate(this.connections));
	}

	@Test
	void failuresOnTwoInstancesAddUpAndASuccessClearsThemEverywhere() {
		RedisLoginFailures redis = redisOnPort(TestRedis.port());
		LoginThrottle first = new LoginThrottle(PROPERTIES, Clock.systemUTC(), redis, new SimpleMeterRegistry());
		LoginThrottle second = new LoginThrottle(PROPERTIES, Clock.systemUTC(), redis, new SimpleMeterRegistry());
		String user = "shared-" + UUID.randomUUID();
		for (int i = 0; i < 3; i++) {
			first.recordFailure(user, "203.0.113.5");
		}
		second.recordFailure(user, "203.0.113.5");
		assertThat(first.retryAfter(user, "203.0.113.5")).isZero();
		second.recordFailure(user, "203.0.113.5");
		// 3 + 2 = 5: both instances refuse, for the rest of the 60 s window
		assertThat(first.retryAfter(user, "203.0.113.5")).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
		assertThat(second.retryAfter(user, "203.0.113.5")).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
		assertThat(second.retryAfter(user, "198.51.100.1")).isZero();
		assertThat(second.retryAfter(user.toUpperCase(), "203.0.113.5")).as("usernames are case-insensitive").isPositive();
		second.recordSuccess(user, "203.0.113.5");
		assertThat(first.retryAfter(user, "203.0.113.5")).isZero();
	}

	@Test
	void withRedisDeadEachInstanceStillThrottlesOnItsOwnCountsWithoutWaitingOnRedis() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		LoginThrottle throttle = new LoginThrottle(PROPERTIES, Clock.systemUTC(), redisOnPort(closedPort), meters);
		long started = System.nanoTime();
		for (int i = 0; i < 5; i++) {
			assertThat(throttle.retryAfter("dora", "203.0.113.6")).isZero();
			throttle.recordFailure("dora", "203.0.113.6");
		}
		assertThat(throttle.retryAfter("dora", "203.0.113.6")).isPositive();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
		// one failed call, then Redis is left alone for the backoff
		assertThat(meters.counter("gatehouse.auth.login-throttle.store.failures").count()).isEqualTo(1);
	}

}
