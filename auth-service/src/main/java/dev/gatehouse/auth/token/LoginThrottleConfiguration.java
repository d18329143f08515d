package dev.gatehouse.auth.token;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/** With Redis configured ({@code spring.data.redis.host} or {@code .url}) failed logins are counted there too. */
@Configuration(proxyBeanMethods = false)
class LoginThrottleConfiguration {

	@Bean
	@ConditionalOnExpression("'${spring.data.redis.host:}' != '' or '${spring.data.redis.url:}' != ''")
	RedisLoginFailures redisLoginFailures(StringRedisTemplate redis) {
		return new RedisLoginFailures(redis);
	}

}
