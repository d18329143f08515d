package dev.gatehouse.gateway.accesslog;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Writes access log lines on a thread of its own. A request only adds its entry to a
 * bounded, lock-free queue; when the queue is full (the log's destination cannot keep up)
 * the entry is dropped and counted in {@code gatehouse.gateway.access_log.dropped}:
 * requests never wait for the log, and never park on a lock.
 */
final class AccessLogWriter implements SmartLifecycle {

	/** The access log's logger. */
	public static final String LOGGER = "dev.gatehouse.gateway.access";

	/**
	 * How long the writer rests when the queue is empty: no per-request wake-up, at most
	 * this much delay.
	 */
	private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private static final Duration STOP_WAIT = Duration.ofSeconds(5);

	private final Logger log;

	private final AccessLogProperties.Format format;

	private final int capacity;

	private final Queue<AccessLogEntry> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger queued = new AtomicInteger();

	private final Counter dropped;

	private volatile boolean running;

	private volatile Thread worker;

	public AccessLogWriter(AccessLogProperties properties, MeterRegistry meters) {
		this(LoggerFactory.getLogger(LOGGER), properties, meters);
	}

	AccessLogWriter(Logger log, AccessLogProperties properties, MeterRegistry meters) {
		this.log = log;
		this.format = properties.format();
		this.capacity = properties.queueCapacity();
		this.dropped = Counter.builder("gatehouse.gateway.access_log.dropped")
			.description("Access log lines dropped because the writer could not keep up")
			.register(meters);
	}

	/**
	 * Whether lines are wanted at all (the logger's level); checked per request before an
	 * entry is built.
	 */
	boolean enabled() {
		return this.log.isInfoEnabled();
	}

	/** Queues a line, or drops and counts it when the queue is full. Never blocks. */
	void record(AccessLogEntry entry) {
		if (this.queued.incrementAndGet() > this.capacity) {
			this.queued.decrementAndGet();
			this.dropped.increment();
			return;
		}
		this.queue.offer(entry);
	}

	@Override
	public void start() {
		this.running = true;
		Thread thread = new Thread(this::run, "gatehouse-access-log");
		thread.setDaemon(true);
		this.worker = thread;
		thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		Thread thread = this.worker;
		if (thread != null) {
			LockSupport.unpark(thread);
			try {
				thread.join(STOP_WAIT.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.worker = null;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Starts before and stops after the web server (a lower phase than its start/stop
	 * lifecycle), so no request's line is queued before the writer runs or after it has
	 * drained.
	 */
	@Override
	public int getPhase() {
		return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1024;
	}

	private void run() {
		// the thread's own: it reuses one buffer for every line
		AccessLogFormat lines = new AccessLogFormat(this.format);
		while (this.running) {
			if (drain(lines) == 0) {
				LockSupport.parkNanos(this, IDLE_NANOS);
			}
		}
		drain(lines);
	}

	/** Writes what is queued; returns how many lines. */
	int drain(AccessLogFormat lines) {
		int written = 0;
		AccessLogEntry entry;
		while ((entry = this.queue.poll()) != null) {
			this.queued.decrementAndGet();
			try {
				this.log.info(lines.format(entry));
			}
			catch (RuntimeException ex) {
				// a broken appender must not end the writer; the line is lost like a
				// dropped one
				this.dropped.increment();
			}
			written++;
		}
		return written;
	}

	/** Lines waiting to be written (for tests). */
	int queued() {
		return this.queued.get();
	}

}
