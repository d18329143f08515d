package dev.gatehouse.auth.revocation;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Moves committed revocations from the outbox to the publisher: at once after each
 * commit, and every {@code revocation-retry-interval} (2 s) for whatever a Redis outage
 * held back. Nothing is lost while Redis is down; gateways catch up when it returns.
 */
@Component
class RevocationRelay implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(RevocationRelay.class);

	private static final int BATCH = 100;

	private static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

	private final RevocationOutbox outbox;

	private final RevocationPublisher publisher;

	private final Clock clock;

	private final ReentrantLock lock = new ReentrantLock();

	/** Something was committed since the last drain started. */
	private final AtomicBoolean dirty = new AtomicBoolean();

	/** A drain is queued or running on the relay thread. */
	private final AtomicBoolean draining = new AtomicBoolean();

	private final ExecutorService executor = Executors.newSingleThreadExecutor((r) -> {
		Thread thread = new Thread(r, "revocation-relay");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicLong lastWarning = new AtomicLong();

	private final Counter published;

	private final Counter failures;

	RevocationRelay(RevocationOutbox outbox, RevocationPublisher publisher, Clock clock, MeterRegistry meters) {
		this.outbox = outbox;
		this.publisher = publisher;
		this.clock = clock;
		this.published = Counter.builder("gatehouse.revocations.published")
			.description("Revocations written to Redis")
			.register(meters);
		this.failures = Counter.builder("gatehouse.revocations.publish.failures")
			.description("Failed attempts to write revocations to Redis")
			.register(meters);
	}

	/**
	 * Asks for a flush at once, off the caller's thread. A burst of requests makes few
	 * flushes, and a request that arrives while a flush runs makes it run again, so
	 * nothing committed waits for the retry tick.
	 */
	void requestFlush() {
		this.dirty.set(true);
		if (this.draining.compareAndSet(false, true)) {
			try {
				this.executor.execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				this.draining.set(false);
			}
		}
	}

	private void drain() {
		try {
			while (this.dirty.getAndSet(false)) {
				this.lock.lock();
				try {
					flushLocked();
				}
				finally {
					this.lock.unlock();
				}
			}
		}
		finally {
			this.draining.set(false);
			if (this.dirty.get()) {
				requestFlush();
			}
		}
	}

	/**
	 * Once started: connect to Redis off the main thread (so the first revocation does
	 * not pay for connecting) and publish whatever the outbox kept from before a restart.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void connectWhenReady() {
		if (!this.publisher.enabled()) {
			return;
		}
		this.executor.execute(() -> {
			try {
				this.publisher.connect();
				logger.info("Connected to Redis for revocations");
			}
			catch (RuntimeException ex) {
				warn(ex);
			}
		});
		requestFlush();
	}

	/**
	 * Runs every {@code gatehouse.auth.revocation-retry-interval} (scheduled by
	 * {@link RevocationConfiguration}).
	 */
	void retry() {
		flush();
	}

	/**
	 * @return how many revocations were published (0 when another flush is running: it
	 * covers them)
	 */
	int flush() {
		if (!this.lock.tryLock()) {
			return 0;
		}
		try {
			return flushLocked();
		}
		finally {
			this.lock.unlock();
		}
	}

	private int flushLocked() {
		if (!this.publisher.enabled()) {
			return 0;
		}
		int count = 0;
		try {
			for (RevocationOutbox.Entry entry : this.outbox.oldest(BATCH)) {
				try {
					this.publisher.publish(entry.event());
				}
				catch (RuntimeException ex) {
					this.failures.increment();
					warn(ex);
					return count;
				}
				this.outbox.remove(entry.id());
				this.published.increment();
				count++;
			}
			return count;
		}
		catch (DataAccessException ex) {
			logger.warn("Revocation outbox unreadable: {}", ex.getMostSpecificCause().getMessage());
			return count;
		}
	}

	private void warn(RuntimeException ex) {
		long now = this.clock.millis();
		long last = this.lastWarning.get();
		if (now - last >= WARN_INTERVAL.toMillis() && this.lastWarning.compareAndSet(last, now)) {
			logger.warn("Cannot publish revocations to Redis ({}); {} kept in the outbox, retrying every few seconds",
					ex.getClass().getSimpleName(), this.outbox.size());
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
