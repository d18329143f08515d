package dev.gatehouse.gateway.ratelimit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.gatehouse.gateway.redis.RedisConnectionReadiness;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.StreamUtils;

/**
 * Counters shared by every gateway in Redis: one Lua script call per request covers every limit of the route
 * atomically. Keys are {@code gatehouse:rl:{<route>}:<limit>:<key>}: the hash tag puts all counters of a route in one
 * Redis Cluster slot, so the script may touch them together; each counter expires with its window. Every call is
 * bounded by {@code timeout}; an error or timeout is the caller's to handle ({@code on-store-failure}).
 */
public final class RedisRateLimiterStore implements RateLimiterStore {

	static final String KEY_PREFIX = "gatehouse:rl:";

	/** Read once at start-up: a lazily read resource would be file I/O on the event loop. */
	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> SCRIPT = RedisScript.of(script(), List.class);

	private final ReactiveStringRedisTemplate redis;

	private final Duration timeout;

	private final RedisConnectionReadiness readiness;

	public RedisRateLimiterStore(ReactiveStringRedisTemplate redis, Duration timeout, RedisConnectionReadiness readiness) {
		this.redis = redis;
		this.timeout = timeout;
		this.readiness = readiness;
	}

	private static String script() {
		try (var in = new ClassPathResource("META-INF/gatehouse/rate-limit.lua").getInputStream()) {
			return StreamUtils.copyToString(in, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String key(String routeId, int index, String value) {
		return KEY_PREFIX + "{" + routeId.replace("{", "").replace("}", "") + "}:" + index + ":" + value;
	}

	@Override
	public Mono<RateLimitDecision> consume(String routeId, List<RateLimit> limits, List<String> keys) {
		if (!this.readiness.isReady()) {
			// the first connection is still being made in the background: never connect on the event loop
			return Mono.error(new IllegalStateException("Redis not connected yet"));
		}
		List<String> redisKeys = new ArrayList<>(limits.size());
		List<String> args = new ArrayList<>(limits.size() * 2);
		for (int i = 0; i < limits.size(); i++) {
			redisKeys.add(key(routeId, i, keys.get(i)));
			args.add(Long.toString(limits.get(i).requests()));
			args.add(Long.toString(limits.get(i).period().toMillis()));
		}
		return this.redis.execute(SCRIPT, redisKeys, args)
			.next()
			// Spring Data Redis may (re)open its shared connection synchronously when a command is issued (after an
			// outage): that must happen where blocking is allowed, never on the event loop. The timeout bounds it all.
			.subscribeOn(Schedulers.boundedElastic())
			.timeout(this.timeout)
			.map(RedisRateLimiterStore::decision);
	}

	private static RateLimitDecision decision(List<?> result) {
		List<RateLimitDecision.State> states = new ArrayList<>();
		for (int i = 1; i + 1 < result.size(); i += 2) {
			long remaining = ((Number) result.get(i)).longValue();
			long resetMillis = ((Number) result.get(i + 1)).longValue();
			states.add(new RateLimitDecision.State(remaining, (resetMillis + 999) / 1000));
		}
		return new RateLimitDecision(((Number) result.get(0)).longValue() == 1, states);
	}

}
