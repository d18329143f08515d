package dev.gatehouse.gateway.redis;

import java.util.List;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Redis is configured: one of Spring Boot's own ways to name a Redis has a value, a
 * single server ({@code spring.data.redis.host} or {@code spring.data.redis.url}), a
 * cluster ({@code spring.data.redis.cluster.nodes}) or a Sentinel-managed master
 * ({@code spring.data.redis.sentinel.master}). Boot picks the topology from the same
 * properties (Sentinel first, then cluster, then the single server).
 */
public class RedisConfiguredCondition implements Condition {

	public static boolean isRedisConfigured(Environment environment) {
		return StringUtils.hasText(environment.getProperty("spring.data.redis.host"))
				|| StringUtils.hasText(environment.getProperty("spring.data.redis.url"))
				|| StringUtils.hasText(environment.getProperty("spring.data.redis.sentinel.master"))
				|| hasClusterNodes(environment);
	}

	/** A list given as {@code a,b} or as {@code nodes[0]}, {@code nodes[1]} (YAML). */
	private static boolean hasClusterNodes(Environment environment) {
		return Binder.get(environment)
			.bind("spring.data.redis.cluster.nodes", Bindable.listOf(String.class))
			.orElse(List.of())
			.stream()
			.anyMatch(StringUtils::hasText);
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
