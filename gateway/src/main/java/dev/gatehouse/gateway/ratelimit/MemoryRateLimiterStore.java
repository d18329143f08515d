package dev.gatehouse.gateway.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import reactor.core.publisher.Mono;

/**
 * Limits in this JVM, on Resilience4j's {@link RateLimiter}: one limiter per route, limit
 * and key, held in a bounded cache ({@code rate-limit.memory-max-keys}; the coldest are
 * evicted, idle ones expire after their period). Permissions are taken with a zero
 * timeout, so the event loop never waits for one. Limits are per gateway instance: use
 * Redis for a limit shared by several instances.
 * <p>
 * Where Resilience4j differs from the Redis store (docs/rate-limits-and-revocation.md): a
 * limiter's windows ("refresh periods") follow each other from its first request on
 * instead of restarting with the first request after a window ended; a permission cannot
 * be handed back, so the route's limits are checked before any is taken and only a
 * request that loses a race between that check and the taking may use up a permission of
 * an earlier limit while a later one refuses it.
 */
public final class MemoryRateLimiterStore implements RateLimiterStore {

	private final Cache<Key, Limiter> limiters;

	/** One Resilience4j config per limit definition, not per key. */
	private final Map<RateLimit, RateLimiterConfig> configs = new ConcurrentHashMap<>();

	/**
	 * @param maxKeys most limiters kept
	 * ({@code gatehouse.gateway.rate-limit.memory-max-keys}); beyond it the coldest are
	 * evicted
	 */
	public MemoryRateLimiterStore(long maxKeys) {
		// Caffeine's upkeep on the calling thread, not the common fork-join pool, which
		// wakes a thread every few requests (see CachingTokenVerifier)
		this.limiters = Caffeine.newBuilder()
			.executor(Runnable::run)
			.maximumSize(maxKeys)
			.expireAfter(new Expiry<Key, Limiter>() {
				@Override
				public long expireAfterCreate(Key key, Limiter limiter, long now) {
					return limiter.periodNanos;
				}

				@Override
				public long expireAfterUpdate(Key key, Limiter limiter, long now, long current) {
					return limiter.periodNanos;
				}

				@Override
				public long expireAfterRead(Key key, Limiter limiter, long now, long current) {
					// idle for a whole period: a new limiter starts with a full
					// budget, as this one would
					return limiter.periodNanos;
				}
			})
			.build();
	}

	@Override
	public Mono<RateLimitDecision> consume(String routeId, List<RateLimit> limits, List<String> keys) {
		return Mono.fromSupplier(() -> decide(routeId, limits, keys));
	}

	/** Always at once: the limiters are in memory. */
	@Override
	public RateLimitDecision consumeNow(String routeId, List<RateLimit> limits, List<String> keys) {
		return decide(routeId, limits, keys);
	}

	@Override
	public Mono<RateLimitDecision> peek(String routeId, List<RateLimit> limits, List<String> keys) {
		return Mono.fromSupplier(() -> {
			long now = System.nanoTime();
			boolean allowed = true;
			List<RateLimitDecision.State> states = new ArrayList<>(limits.size());
			for (int i = 0; i < limits.size(); i++) {
				RateLimit limit = limits.get(i);
				// read only: a key never seen (or evicted) has its whole budget
				Limiter limiter = this.limiters.asMap().get(new Key(routeId, limit.name(), keys.get(i)));
				boolean current = limiter != null && limiter.definition.equals(limit);
				long remaining = current ? Math.max(0, limiter.limiter.getMetrics().getAvailablePermissions())
						: limit.requests();
				long reset = current ? limiter.secondsToNextPeriod(now) : limit.period().toSeconds();
				allowed &= remaining > 0;
				states.add(new RateLimitDecision.State(remaining, reset));
			}
			return new RateLimitDecision(allowed, states);
		});
	}

	RateLimitDecision decide(String routeId, List<RateLimit> limits, List<String> keys) {
		Limiter[] chosen = new Limiter[limits.size()];
		boolean allowed = true;
		for (int i = 0; i < chosen.length; i++) {
			RateLimit limit = limits.get(i);
			chosen[i] = limiter(new Key(routeId, limit.name(), keys.get(i)), limit);
			// checked before any is taken: a request refused by one limit uses up none of
			// the others (a single limit needs no check before taking its permission)
			allowed &= chosen.length == 1 || chosen[i].limiter.getMetrics().getAvailablePermissions() > 0;
		}
		for (int i = 0; allowed && i < chosen.length; i++) {
			// zero timeout: answers at once, never parks the thread waiting for a
			// permission
			allowed = chosen[i].limiter.acquirePermission();
		}
		long now = System.nanoTime();
		RateLimitDecision.State[] states = new RateLimitDecision.State[chosen.length];
		for (int i = 0; i < chosen.length; i++) {
			states[i] = new RateLimitDecision.State(
					Math.max(0, chosen[i].limiter.getMetrics().getAvailablePermissions()),
					chosen[i].secondsToNextPeriod(now));
		}
		return new RateLimitDecision(allowed, List.of(states));
	}

	private Limiter limiter(Key key, RateLimit limit) {
		Limiter limiter = this.limiters.getIfPresent(key);
		if (limiter == null) {
			// the capturing function only on a miss: a hit allocates nothing here
			limiter = this.limiters.get(key, (k) -> new Limiter(k, limit, config(limit)));
		}
		if (limiter.definition != limit && !limiter.definition.equals(limit)) {
			// the route was reloaded with another budget or period under the same name
			limiter = new Limiter(key, limit, config(limit));
			this.limiters.put(key, limiter);
		}
		return limiter;
	}

	private RateLimiterConfig config(RateLimit limit) {
		return this.configs.computeIfAbsent(limit, (l) -> RateLimiterConfig.custom()
			// Resilience4j counts permissions in an int
			.limitForPeriod((int) Math.min(Integer.MAX_VALUE, l.requests()))
			.limitRefreshPeriod(l.period())
			.timeoutDuration(java.time.Duration.ZERO)
			.build());
	}

	/** How many limiters are held right now (pending evictions done first). */
	long trackedKeys() {
		this.limiters.cleanUp();
		return this.limiters.estimatedSize();
	}

	/**
	 * A Resilience4j limiter and when its periods started: they run back to back from its
	 * creation, which the limiter does not expose, so it is recorded here (within the
	 * microseconds of its construction).
	 */
	private static final class Limiter {

		private final RateLimit definition;

		private final RateLimiter limiter;

		private final long startNanos;

		private final long periodNanos;

		Limiter(Key key, RateLimit definition, RateLimiterConfig config) {
			this.definition = definition;
			this.startNanos = System.nanoTime();
			this.limiter = RateLimiter.of(key.routeId() + '\n' + key.limit() + '\n' + key.key(), config);
			this.periodNanos = config.getLimitRefreshPeriod().toNanos();
		}

		long secondsToNextPeriod(long now) {
			long left = this.periodNanos - Math.floorMod(now - this.startNanos, this.periodNanos);
			return (left + 999_999_999L) / 1_000_000_000L;
		}

	}

	/**
	 * A limiter's identity: its parts' hashes are mostly cached already (route and limit
	 * names are fixed, a token's subject is the cached token's), so nothing is
	 * concatenated and hashed per request.
	 */
	private record Key(String routeId, String limit, String key) {

		// written out: a record's generated methods go through method handles, which
		// showed in profiles of this lookup (made on every limited request)
		@Override
		public int hashCode() {
			return (31 * this.routeId.hashCode() + this.limit.hashCode()) * 31 + Objects.hashCode(this.key);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Key that && Objects.equals(this.key, that.key) && this.limit.equals(that.limit)
					&& this.routeId.equals(that.routeId);
		}

	}

}
