package dev.gatehouse.gateway.ratelimit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import reactor.core.publisher.Mono;

/**
 * Fixed-window counters in this JVM, lock-free (compare-and-set), so the event loop never
 * waits. Idle windows expire with their period; the number of tracked keys is bounded
 * ({@code rate-limit.memory-max-keys}). Limits are per gateway instance: use Redis for a
 * limit shared by several instances.
 */
public final class MemoryRateLimiterStore implements RateLimiterStore {

	private final Clock clock;

	private final Cache<String, Window> windows;

	/**
	 * @param clock time source
	 * @param maxKeys most counters kept
	 * ({@code gatehouse.gateway.rate-limit.memory-max-keys}); beyond it the coldest are
	 * evicted
	 */
	public MemoryRateLimiterStore(Clock clock, long maxKeys) {
		this.clock = clock;
		this.windows = Caffeine.newBuilder()
			.maximumSize(maxKeys)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.expireAfter(new Expiry<String, Window>() {
				@Override
				public long expireAfterCreate(String key, Window window, long now) {
					return Math.max(0, TimeUnit.MILLISECONDS.toNanos(window.endsAt - clock.millis()));
				}

				@Override
				public long expireAfterUpdate(String key, Window window, long now, long current) {
					return expireAfterCreate(key, window, now);
				}

				@Override
				public long expireAfterRead(String key, Window window, long now, long current) {
					return current;
				}
			})
			.build();
	}

	@Override
	public Mono<RateLimitDecision> consume(String routeId, List<RateLimit> limits, List<String> keys) {
		return Mono.fromSupplier(() -> decide(routeId, limits, keys));
	}

	@Override
	public Mono<RateLimitDecision> peek(String routeId, List<RateLimit> limits, List<String> keys) {
		return Mono.fromSupplier(() -> {
			long now = this.clock.millis();
			boolean allowed = true;
			List<RateLimitDecision.State> states = new ArrayList<>(limits.size());
			for (int i = 0; i < limits.size(); i++) {
				RateLimit limit = limits.get(i);
				Window window = this.windows.asMap().get(routeId + '\n' + i + '\n' + keys.get(i));
				boolean current = window != null && window.endsAt > now;
				long remaining = Math.max(0, limit.requests() - (current ? window.count.get() : 0));
				long reset = current ? (window.endsAt - now + 999) / 1000 : limit.period().toSeconds();
				allowed &= remaining > 0;
				states.add(new RateLimitDecision.State(remaining, reset));
			}
			return new RateLimitDecision(allowed, states);
		});
	}

	RateLimitDecision decide(String routeId, List<RateLimit> limits, List<String> keys) {
		long now = this.clock.millis();
		List<Window> windows = new ArrayList<>(limits.size());
		for (int i = 0; i < limits.size(); i++) {
			windows.add(window(routeId + '\n' + i + '\n' + keys.get(i), limits.get(i), now));
		}
		int taken = 0;
		boolean allowed = true;
		for (; taken < limits.size(); taken++) {
			if (!windows.get(taken).tryTake(limits.get(taken).requests())) {
				allowed = false;
				break;
			}
		}
		if (!allowed) {
			// counted against none: give back what was taken from the earlier limits
			for (int i = 0; i < taken; i++) {
				windows.get(i).count.decrementAndGet();
			}
		}
		List<RateLimitDecision.State> states = new ArrayList<>(limits.size());
		for (int i = 0; i < limits.size(); i++) {
			Window window = windows.get(i);
			long remaining = Math.max(0, limits.get(i).requests() - window.count.get());
			long reset = Math.max(0, (window.endsAt - now + 999) / 1000);
			states.add(new RateLimitDecision.State(remaining, reset));
		}
		return new RateLimitDecision(allowed, states);
	}

	/** How many counters are held right now (pending evictions done first). */
	long trackedKeys() {
		this.windows.cleanUp();
		return this.windows.estimatedSize();
	}

	private Window window(String key, RateLimit limit, long now) {
		return this.windows.asMap()
			.compute(key, (k, window) -> (window == null || window.endsAt <= now)
					? new Window(now + limit.period().toMillis()) : window);
	}

	private static final class Window {

		private final long endsAt;

		private final AtomicLong count = new AtomicLong();

		Window(long endsAt) {
			this.endsAt = endsAt;
		}

		boolean tryTake(long max) {
			long current;
			do {
				current = this.count.get();
				if (current >= max) {
					return false;
				}
			}
			while (!this.count.compareAndSet(current, current + 1));
			return true;
		}

	}

}
