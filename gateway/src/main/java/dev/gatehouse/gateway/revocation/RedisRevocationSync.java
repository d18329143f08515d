package dev.gatehouse.gateway.revocation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import dev.gatehouse.gateway.redis.RedisConnectionReadiness;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

/**
 * Keeps the {@link RevocationView} current from what the auth-service writes to Redis: a
 * full load of the {@code gatehouse:revoked:*} keys at start, every message of channel
 * {@code gatehouse:revocations} as it comes, and a full reload whenever a Redis
 * connection is (re)established and every {@code resync-interval}, so nothing published
 * while this gateway was cut off stays unknown. While Redis is unreachable the view keeps
 * enforcing everything it already knows; revocations made meanwhile are enforced once
 * Redis is back (the auth-service keeps them in its outbox until Redis has them).
 * <p>
 * On a Redis Cluster the same calls cover every master through Lettuce's cluster support:
 * its {@code SCAN} walks the masters one after another and its {@code MGET} splits the
 * keys by slot, so no command spans slots; a {@code PUBLISH} reaches every node of a
 * cluster, so the subscription, on whichever node, hears every revocation. Behind
 * Sentinel every connection follows the master the sentinels name.
 */
final class RedisRevocationSync implements SmartLifecycle {

	public static final String KEY_PREFIX = "gatehouse:revoked:";

	public static final String CHANNEL = "gatehouse:revocations";

	private static final Logger log = LoggerFactory.getLogger(RedisRevocationSync.class);

	private static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);

	private static final Duration WARN_INTERVAL = Duration.ofSeconds(30);

	private final RevocationView view;

	private final ReactiveStringRedisTemplate redis;

	private final ReactiveRedisConnectionFactory connections;

	private final RedisConnectionReadiness readiness;

	private final ClientResources clientResources;

	private final Duration resyncInterval;

	private final Clock clock;

	private final Counter failures;

	private final AtomicLong lastSync = new AtomicLong();

	private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE / 2);

	private final Disposable.Composite running = Disposables.composite();

	private volatile boolean started;

	public RedisRevocationSync(RevocationView view, ReactiveStringRedisTemplate redis,
			ReactiveRedisConnectionFactory connections, RedisConnectionReadiness readiness,
			ClientResources clientResources, Duration resyncInterval, Clock clock, MeterRegistry meters) {
		this.view = view;
		this.redis = redis;
		this.connections = connections;
		this.readiness = readiness;
		this.clientResources = clientResources;
		this.resyncInterval = resyncInterval;
		this.clock = clock;
		this.failures = Counter.builder("gatehouse.gateway.revocation.sync.failures")
			.description("Failed loads of revocations from Redis")
			.register(meters);
		Gauge.builder("gatehouse.gateway.revocation.entries", view, RevocationView::size)
			.description("Revocations known to this gateway")
			.register(meters);
		Gauge
			.builder("gatehouse.gateway.revocation.last.sync.age", this,
					(sync) -> (sync.lastSync.get() == 0) ? Double.NaN : (clock.millis() - sync.lastSync.get()) / 1000.0)
			.description("Seconds since revocations were last fully loaded from Redis")
			.baseUnit("seconds")
			.register(meters);
	}

	@Override
	public void start() {
		this.started = true;
		this.running.add(messages().doOnNext(this::applyMessage)
			.doOnError((ex) -> log.warn("Revocation subscription lost ({}); resubscribing", ex.toString()))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)))
			.subscribe());
		this.running.add(this.clientResources.eventBus()
			.get()
			.filter(ConnectionActivatedEvent.class::isInstance)
			.concatMap((event) -> resync().onErrorResume((ex) -> Mono.empty()))
			.subscribe());
		this.running.add(Flux.interval(Duration.ZERO, this.resyncInterval, Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> resync().onErrorResume((ex) -> Mono.empty()))
			.subscribe());
		this.running.add(Flux.interval(PRUNE_INTERVAL, PRUNE_INTERVAL, Schedulers.parallel())
			.subscribe((tick) -> this.view.prune()));
	}

	/**
	 * The channel's messages. The listener container connects when it is created, so it
	 * is created on a thread that may block, and again after every failure: a gateway
	 * starts, and keeps serving, whether Redis is up or not.
	 */
	private Flux<String> messages() {
		return Mono.fromCallable(() -> new ReactiveRedisMessageListenerContainer(this.connections))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMapMany((container) -> container.receive(ChannelTopic.of(CHANNEL))
				.map((message) -> message.getMessage())
				.doFinally((signal) -> container.destroyLater().subscribe()));
	}

	/**
	 * Loads every revocation key, once the shared connection exists; returns how many
	 * were applied.
	 */
	public Mono<Long> resync() {
		// deferred: nothing may touch the connection while the pipeline is assembled (a
		// reconnect event arrives on
		// Lettuce's own event loop)
		return this.readiness.ready().then(Mono.defer(this::load));
	}

	private Mono<Long> load() {
		// Every template call takes the connection factory's lock (and may (re)open the
		// shared connection under it):
		// each one is subscribed where blocking is allowed, never on the Lettuce event
		// loop that delivers SCAN pages.
		return this.redis.scan(ScanOptions.scanOptions().match(KEY_PREFIX + "*").count(1000).build())
			.subscribeOn(Schedulers.boundedElastic())
			.buffer(500)
			.concatMap((keys) -> this.redis.opsForValue()
				.multiGet(keys)
				.subscribeOn(Schedulers.boundedElastic())
				.map((values) -> apply(keys, values)))
			.reduce(0L, Long::sum)
			.doOnSuccess((count) -> this.lastSync.set(this.clock.millis()))
			.doOnError((ex) -> {
				this.failures.increment();
				// a failover makes many attempts fail within seconds (every reconnect
				// triggers one): warn once per interval, count each
				long now = this.clock.millis();
				long last = this.lastWarning.get();
				if (now - last >= WARN_INTERVAL.toMillis() && this.lastWarning.compareAndSet(last, now)) {
					log.warn("Cannot load revocations from Redis ({}); enforcing the {} already known; further "
							+ "failures are counted in gatehouse.gateway.revocation.sync.failures and logged at most "
							+ "every {}s", ex.getClass().getSimpleName(), this.view.size(), WARN_INTERVAL.toSeconds());
				}
				log.debug("Revocation load failure", ex);
			});
	}

	private long apply(List<String> keys, List<String> values) {
		long applied = 0;
		for (int i = 0; i < keys.size(); i++) {
			String value = values.get(i);
			String[] parts = keys.get(i).substring(KEY_PREFIX.length()).split(":", 2);
			if (value == null || parts.length != 2) {
				continue;
			}
			try {
				// the view keeps each entry as long as a token it concerns can be
				// accepted, whatever the key's TTL
				if (this.view.apply(parts[0], parts[1], Long.parseLong(value))) {
					applied++;
				}
			}
			catch (NumberFormatException ex) {
				log.debug("Ignoring malformed revocation key {}", keys.get(i));
			}
		}
		return applied;
	}

	/**
	 * {@code <kind> <subject> <value>}, as the auth-service publishes it; a user's
	 * subject is {@code <iss>:<sub>}, both form-encoded, so neither contains a space.
	 */
	void applyMessage(String message) {
		String[] parts = message.split(" ");
		if (parts.length != 3) {
			log.debug("Ignoring malformed revocation message");
			return;
		}
		try {
			if (this.view.apply(parts[0], parts[1], Long.parseLong(parts[2]))) {
				log.debug("Revocation received: {} {}", parts[0], parts[1]);
			}
			else {
				log.debug("Ignoring revocation message of unknown kind or malformed subject");
			}
		}
		catch (NumberFormatException ex) {
			log.debug("Ignoring malformed revocation message");
		}
	}

	@Override
	public void stop() {
		this.running.dispose();
		this.started = false;
	}

	@Override
	public boolean isRunning() {
		return this.started;
	}

}
