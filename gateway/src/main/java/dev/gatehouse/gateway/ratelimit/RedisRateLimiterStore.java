package dev.gatehouse.gateway.ratelimit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Mono;

import dev.gatehouse.gateway.redis.RedisConnectionReadiness;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveScriptingCommands;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.StreamUtils;

/**
 * Counters shared by every gateway in Redis: one Lua script call per request covers every
 * limit of the route atomically. Keys are {@code gatehouse:rl:{<route>}:<limit
 * name>:<key>}: the hash tag puts all counters of a route in one Redis Cluster slot, so
 * the script may touch them together; each counter expires with its window. Every call is
 * bounded by {@code timeout}; an error or timeout is the caller's to handle
 * ({@code on-store-failure}).
 */
public final class RedisRateLimiterStore implements RateLimiterStore {

	static final String KEY_PREFIX = "gatehouse:rl:";

	/**
	 * Read once at start-up: a lazily read resource would be file I/O on the event loop.
	 */
	private static final String SCRIPT = script();

	private static final byte[] SCRIPT_BYTES = SCRIPT.getBytes(StandardCharsets.UTF_8);

	private static final String SCRIPT_SHA1 = RedisScript.of(SCRIPT).getSha1();

	private final Duration timeout;

	private final RedisConnectionReadiness readiness;

	public RedisRateLimiterStore(Duration timeout, RedisConnectionReadiness readiness) {
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

	static String key(String routeId, String limitName, String value) {
		return KEY_PREFIX + "{" + routeId.replace("{", "").replace("}", "") + "}:" + limitName + ":" + value;
	}

	@Override
	public Mono<RateLimitDecision> consume(String routeId, List<RateLimit> limits, List<String> keys) {
		ReactiveRedisConnection connection = this.readiness.connection();
		if (connection == null) {
			// the first connection is still being made in the background: never connect
			// on the event loop
			return Mono.error(new IllegalStateException("Redis not connected yet"));
		}
		ByteBuffer[] keysAndArgs = new ByteBuffer[limits.size() * 3];
		for (int i = 0; i < limits.size(); i++) {
			keysAndArgs[i] = bytes(key(routeId, limits.get(i).name(), keys.get(i)));
			keysAndArgs[limits.size() + 2 * i] = bytes(Long.toString(limits.get(i).requests()));
			keysAndArgs[limits.size() + 2 * i + 1] = bytes(Long.toString(limits.get(i).period().toMillis()));
		}
		ReactiveScriptingCommands scripting = connection.scriptingCommands();
		// EVALSHA: only the digest travels; a server that does not know the script yet
		// (first call, restart,
		// SCRIPT FLUSH) answers NOSCRIPT and gets the script itself. The multi-bulk reply
		// arrives as one List.
		return scripting.<List<?>>evalSha(SCRIPT_SHA1, ReturnType.MULTI, limits.size(), keysAndArgs)
			.onErrorResume(RedisRateLimiterStore::isNoScript,
					(ex) -> scripting.<List<?>>eval(ByteBuffer.wrap(SCRIPT_BYTES), ReturnType.MULTI, limits.size(),
							rewound(keysAndArgs)))
			.next()
			.timeout(this.timeout)
			.map(RedisRateLimiterStore::decision);
	}

	@Override
	public Mono<RateLimitDecision> peek(String routeId, List<RateLimit> limits, List<String> keys) {
		ReactiveRedisConnection connection = this.readiness.connection();
		if (connection == null) {
			return Mono.error(new IllegalStateException("Redis not connected yet"));
		}
		// GET and PTTL per counter: read only, nothing is counted or created
		return reactor.core.publisher.Flux.range(0, limits.size()).concatMap((i) -> {
			ByteBuffer key = bytes(key(routeId, limits.get(i).name(), keys.get(i)));
			return Mono
				.zip(connection.stringCommands()
					.get(key.duplicate())
					.map(RedisRateLimiterStore::number)
					.defaultIfEmpty(0L), connection.keyCommands().pTtl(key.duplicate()).defaultIfEmpty(-2L))
				.map((counter) -> {
					RateLimit limit = limits.get(i);
					long ttl = counter.getT2();
					long remaining = Math.max(0, limit.requests() - ((ttl > 0) ? counter.getT1() : 0));
					long reset = (ttl > 0) ? (ttl + 999) / 1000 : limit.period().toSeconds();
					return new RateLimitDecision.State(remaining, reset);
				});
		})
			.collectList()
			.timeout(this.timeout)
			.map((states) -> new RateLimitDecision(states.stream().allMatch((state) -> state.remaining() > 0), states));
	}

	private static long number(ByteBuffer value) {
		try {
			return Long.parseLong(StandardCharsets.UTF_8.decode(value).toString());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static ByteBuffer bytes(String value) {
		return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Buffers may be consumed when written: the rare second attempt gets fresh views of
	 * the same bytes.
	 */
	private static ByteBuffer[] rewound(ByteBuffer[] buffers) {
		ByteBuffer[] copies = new ByteBuffer[buffers.length];
		for (int i = 0; i < buffers.length; i++) {
			copies[i] = buffers[i].duplicate().rewind();
		}
		return copies;
	}

	private static boolean isNoScript(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

	/** The script's reply: admitted (1/0), then remaining and reset (ms) per limit. */
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
