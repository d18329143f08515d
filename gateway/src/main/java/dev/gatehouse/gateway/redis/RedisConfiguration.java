package dev.gatehouse.gateway.redis;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/** The shared Redis connection, opened in the background when Redis is configured. */
@Configuration(proxyBeanMethods = false)
@Conditional(RedisConfiguredCondition.class)
public class RedisConfiguration {

	@Bean
	RedisConnectionReadiness redisConnectionReadiness(ReactiveRedisConnectionFactory connections) {
		return new RedisConnectionReadiness(connections);
	}

}
