package dev.gatehouse.gateway.redis;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisClusterNode;

/**
 * Opens the shared Redis connection once, in the background, on a thread that may block.
 * Spring Data Redis connects that connection synchronously on first use, which must never
 * happen on an event-loop thread; once it exists, Lettuce reconnects it by itself without
 * blocking anybody. Until then Redis users treat Redis as unavailable
 * ({@link #connection()} is {@code null}) or wait for it ({@link #ready()}); the gateway
 * starts whether Redis is up or not. Hot paths send their commands through
 * {@link #connection()}, which needs no lock. On a Redis Cluster the connection routes
 * each command to the master of its key's slot and follows the topology (Spring Boot's
 * {@code spring.data.redis.lettuce.cluster.refresh.*}); behind Sentinel it reconnects to
 * whichever server the sentinels name master.
 */
public final class RedisConnectionReadiness implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(RedisConnectionReadiness.class);

	private static final Duration WARM_UP_TIMEOUT = Duration.ofSeconds(5);

	private final ReactiveRedisConnectionFactory connections;

	private final Sinks.Empty<Void> readySignal = Sinks.empty();

	private volatile ReactiveRedisConnection connection;

	private volatile Disposable connecting;

	public RedisConnectionReadiness(ReactiveRedisConnectionFactory connections) {
		this.connections = connections;
	}

	/**
	 * The connection opened at start, kept for the life of the gateway, or {@code null}
	 * while it does not exist yet. Its commands run on the shared Lettuce connection
	 * without touching the connection factory (whose lock must never be waited for on an
	 * event loop); Lettuce reconnects it by itself after an outage.
	 */
	public ReactiveRedisConnection connection() {
		return this.connection;
	}

	/** Completes once the shared connection exists. */
	public Mono<Void> ready() {
		return this.readySignal.asMono();
	}

	@Override
	public void start() {
		this.connecting = Mono.fromCallable(this.connections::getReactiveConnection)
			.subscribeOn(Schedulers.boundedElastic())
			.doOnError((ex) -> log.warn("Redis is not reachable yet ({}); retrying in the background",
					ex.getClass().getSimpleName()))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2)))
			.flatMap((opened) -> openNodeConnections(opened).thenReturn(opened))
			.subscribe((opened) -> {
				this.connection = opened;
				this.readySignal.tryEmitEmpty();
				log.info("Connected to Redis");
			});
	}

	/**
	 * On a cluster, Lettuce opens the connection to a master when the first command for
	 * one of its slots arrives; opening them all now keeps that cost off the first
	 * requests. A node that does not answer is connected on first use, as usual.
	 */
	private static Mono<Void> openNodeConnections(ReactiveRedisConnection connection) {
		if (!(connection instanceof ReactiveRedisClusterConnection cluster)) {
			return Mono.empty();
		}
		return cluster.clusterGetNodes()
			.filter(RedisClusterNode::isMaster)
			// by address, not node id: Lettuce keeps the connections it routes slots to
			// by
			// address, and one by id would be a connection of its own
			.map((node) -> new RedisClusterNode(node.getRequiredHost(), node.getRequiredPort()))
			.flatMap((node) -> cluster.ping(node).onErrorResume((ex) -> Mono.empty()))
			.then()
			.timeout(WARM_UP_TIMEOUT)
			.onErrorResume((ex) -> Mono.empty());
	}

	@Override
	public void stop() {
		Disposable task = this.connecting;
		if (task != null) {
			task.dispose();
		}
		ReactiveRedisConnection open = this.connection;
		if (open != null) {
			// releases what the connection opened for itself; the shared connection is
			// the factory's to close
			open.closeLater().subscribe(null, (ex) -> {
			});
		}
	}

	@Override
	public boolean isRunning() {
		return this.connecting != null && !this.connecting.isDisposed();
	}

	/** Starts before the users of Redis and stops after them. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 100;
	}

}
