package dev.gatehouse.gateway.redis;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Redis is configured: {@code spring.data.redis.host} or {@code spring.data.redis.url}
 * has a value.
 */
public class RedisConfiguredCondition implements Condition {

	public static boolean isRedisConfigured(org.springframework.core.env.Environment environment) {
		return StringUtils.hasText(environment.getProperty("spring.data.redis.host"))
				|| StringUtils.hasText(environment.getProperty("spring.data.redis.url"));
	}

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return isRedisConfigured(context.getEnvironment());
	}

	/** The opposite. */
	public static class Not implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !isRedisConfigured(context.getEnvironment());
		}

	}

}
