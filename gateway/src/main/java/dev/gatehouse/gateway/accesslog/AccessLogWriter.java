package dev.gatehouse.gateway.accesslog;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

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
 * requests never wait for the log, and never park on a lock. Lines go one log event each
 * through the logging system's appenders, or with {@code output: stdout} to standard
 * output in batches ({@link LineBatch}: a few writes for what was queued, not one per
 * line).
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

	/**
	 * Standard output for {@code output: stdout}; {@code null}: the logger's appenders.
	 */
	private final Supplier<PrintStream> stdout;

	private final Queue<AccessLogEntry> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger queued = new AtomicInteger();

	private final Counter dropped;

	private volatile boolean running;

	private volatile Thread worker;

	public AccessLogWriter(AccessLogProperties properties, MeterRegistry meters) {
		this(LoggerFactory.getLogger(LOGGER), properties, meters, () -> System.out);
	}

	/**
	 * @param log the access logger: its level switches the log on and off; with
	 * {@code output: logger} it also writes the lines
	 * @param properties the settings
	 * @param meters where drops are counted
	 * @param stdout standard output, asked at every write
	 */
	AccessLogWriter(Logger log, AccessLogProperties properties, MeterRegistry meters, Supplier<PrintStream> stdout) {
		this.log = log;
		this.format = properties.format();
		this.capacity = properties.queueCapacity();
		this.stdout = (properties.output() == AccessLogProperties.Output.STDOUT) ? stdout : null;
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
		if (this.stdout != null && hasAppendersOfItsOwn(this.log)) {
			LoggerFactory.getLogger(AccessLogWriter.class)
				.warn("Logger {} has appenders of its own, but access log lines go to standard output "
						+ "({}.output=stdout); set it to 'logger' to send them through the logging system", LOGGER,
						AccessLogProperties.PREFIX);
		}
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
		// the thread's own: they reuse one buffer each for every line
		AccessLogFormat lines = new AccessLogFormat(this.format);
		LineBatch batch = newBatch();
		while (this.running) {
			if (drain(lines, batch) == 0) {
				LockSupport.parkNanos(this, IDLE_NANOS);
			}
		}
		drain(lines, batch);
	}

	/**
	 * Whether the logging configuration gave the access logger appenders of its own
	 * (Logback): someone meant to route the lines there.
	 */
	static boolean hasAppendersOfItsOwn(Logger log) {
		return log instanceof ch.qos.logback.classic.Logger logback && logback.iteratorForAppenders().hasNext();
	}

	/** A batch for standard output, {@code null} with {@code output: logger}. */
	LineBatch newBatch() {
		return (this.stdout != null) ? new LineBatch(this.stdout) : null;
	}

	/**
	 * Writes what is queued, the last batch included; returns how many lines.
	 * @param lines the thread's formatter
	 * @param batch the thread's batch for standard output, {@code null} to log each line
	 */
	int drain(AccessLogFormat lines, LineBatch batch) {
		int written = 0;
		int lost = 0;
		AccessLogEntry entry;
		while ((entry = this.queue.poll()) != null) {
			this.queued.decrementAndGet();
			try {
				if (batch != null) {
					lost += batch.add(lines.format(entry));
				}
				else {
					this.log.info(lines.format(entry).toString());
				}
			}
			catch (RuntimeException ex) {
				// a broken appender must not end the writer; the line is lost like a
				// dropped one
				lost++;
			}
			written++;
		}
		if (batch != null) {
			lost += batch.flush();
		}
		if (lost > 0) {
			this.dropped.increment(lost);
		}
		return written;
	}

	/** Lines waiting to be written (for tests). */
	int queued() {
		return this.queued.get();
	}

}
