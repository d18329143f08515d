package dev.gatehouse.auth;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The auth-service's one definition of "Redis is configured": any of
 * {@code spring.data.redis.host}, {@code spring.data.redis.url},
 * {@code spring.data.redis.cluster.nodes} or {@code spring.data.redis.sentinel.master}
 * has a value (an empty value, e.g. an unset environment variable, counts as not
 * configured). Revocation publishing and the shared login throttle both ask this.
 */
public class RedisConfiguredCondition implements Condition {

	/** What an operator sets to configure Redis, for messages. */
	public static final String KEYS = "spring.data.redis.host, .url, .cluster.nodes or .sentinel.master";

	public static boolean isRedisConfigured(Environment environment) {
		Binder binder = Binder.get(environment);
		return hasText(binder, "spring.data.redis.host") || hasText(binder, "spring.data.redis.url")
				|| hasText(binder, "spring.data.redis.sentinel.master")
				|| binder.bind("spring.data.redis.cluster.nodes", Bindable.listOf(String.class))
					.map((nodes) -> nodes.stream().anyMatch(StringUtils::hasText))
					.orElse(false);
	}

	private static boolean hasText(Binder binder, String key) {
		return binder.bind(key, String.class).map(StringUtils::hasText).orElse(false);
	}

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return isRedisConfigured(context.getEnvironment());
	}

}
