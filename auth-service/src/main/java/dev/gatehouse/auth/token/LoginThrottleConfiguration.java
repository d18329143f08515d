package dev.gatehouse.auth.token;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.RedisConfiguredCondition;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The two throttles: failed user logins per username and client address, failed client
 * authentications per client and client address. With Redis configured
 * ({@link RedisConfiguredCondition}) both count there too.
 */
@Configuration(proxyBeanMethods = false)
class LoginThrottleConfiguration {

	static final String LOGIN = "loginThrottle";

	static final String CLIENT_AUTH = "clientAuthThrottle";

	@Bean(LOGIN)
	LoginThrottle loginThrottle(AuthProperties properties, Clock clock, ObjectProvider<RedisLoginFailures> shared,
			ObjectProvider<MeterRegistry> meters) {
		return new LoginThrottle("login", "Too many failed login attempts; try again later", properties.loginThrottle(),
				clock, shared.getIfAvailable(), meters.getIfAvailable(SimpleMeterRegistry::new));
	}

	@Bean(CLIENT_AUTH)
	LoginThrottle clientAuthThrottle(AuthProperties properties, Clock clock, ObjectProvider<RedisLoginFailures> shared,
			ObjectProvider<MeterRegistry> meters) {
		return new LoginThrottle("client-auth", "Too many failed client authentications; try again later",
				properties.clientAuthThrottle(), clock, shared.getIfAvailable(),
				meters.getIfAvailable(SimpleMeterRegistry::new));
	}

	@Bean
	@Conditional(RedisConfiguredCondition.class)
	RedisLoginFailures redisLoginFailures(StringRedisTemplate redis) {
		return new RedisLoginFailures(redis);
	}

}
