package dev.gatehouse.gateway.accesslog;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AccessLogWriterTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

	private final Logger logger = new LoggerContext().getLogger(AccessLogWriter.LOGGER);

	private AccessLogWriter writer;

	AccessLogWriterTests() {
		this.lines.start();
		this.logger.addAppender(this.lines);
	}

	@AfterEach
	void stop() {
		if (this.writer != null) {
			this.writer.stop();
		}
	}

	@Test
	void aFullQueueDropsAndCountsInsteadOfWaiting() {
		this.writer = writer(16);
		for (int i = 0; i < 20; i++) {
			this.writer.record(entry("req-" + i));
		}
		assertThat(this.writer.queued()).isEqualTo(16);
		assertThat(this.meters.counter("gatehouse.gateway.access_log.dropped").count()).isEqualTo(4);
		assertThat(this.writer.drain(new AccessLogFormat(AccessLogProperties.Format.JSON), null)).isEqualTo(16);
		assertThat(messages()).hasSize(16).first().asString().contains("\"requestId\":\"req-0\"");
		this.writer.record(entry("req-after"));
		assertThat(this.writer.queued()).isEqualTo(1);
	}

	@Test
	void theWriterThreadWritesQueuedLinesInOrderAndFlushesThemOnStop() {
		this.writer = writer(64);
		this.writer.start();
		this.writer.record(entry("first"));
		this.writer.record(entry("second"));
		await().atMost(Duration.ofSeconds(5)).until(() -> messages().size() == 2);
		assertThat(messages().get(0)).contains("\"requestId\":\"first\"");
		assertThat(messages().get(1)).contains("\"requestId\":\"second\"");
		assertThat(Thread.getAllStackTraces().keySet()).anyMatch((t) -> t.getName().equals("gatehouse-access-log"));
		this.writer.record(entry("last"));
		this.writer.stop();
		assertThat(this.writer.isRunning()).isFalse();
		assertThat(messages()).hasSize(3);
		assertThat(messages().get(2)).contains("\"requestId\":\"last\"");
	}

	@Test
	void onStandardOutputQueuedLinesGoOutTogetherInOneWriteAsTheyAreWithoutTheLogPattern() {
		Writes stdout = new Writes();
		this.writer = stdoutWriter(64, stdout);
		for (int i = 0; i < 10; i++) {
			this.writer.record(entry("req-" + i));
		}
		assertThat(this.writer.drain(new AccessLogFormat(AccessLogProperties.Format.JSON), this.writer.newBatch()))
			.isEqualTo(10);
		assertThat(stdout.writes).hasSize(1);
		String[] lines = stdout.text().split("\n", -1);
		assertThat(lines).hasSize(11).endsWith("");
		assertThat(lines[0]).startsWith("{\"time\":").contains("\"requestId\":\"req-0\"").endsWith("}");
		assertThat(lines[9]).contains("\"requestId\":\"req-9\"");
		// the logger's level still decides, but its appenders see nothing
		assertThat(this.lines.list).isEmpty();
	}

	@Test
	void theWriterThreadWritesToStandardOutputWithoutWaitingForMoreLinesAndFlushesOnStop() {
		Writes stdout = new Writes();
		this.writer = stdoutWriter(64, stdout);
		this.writer.start();
		this.writer.record(entry("alone"));
		await().atMost(Duration.ofSeconds(5)).until(() -> stdout.text().contains("\"requestId\":\"alone\""));
		this.writer.record(entry("last"));
		this.writer.stop();
		assertThat(stdout.text()).contains("\"requestId\":\"last\"").endsWith("}\n");
	}

	@Test
	void aFailingStandardOutputCountsItsLinesAsDropped() {
		PrintStream broken = new PrintStream(OutputStream.nullOutputStream()) {
			@Override
			public boolean checkError() {
				return true;
			}
		};
		this.writer = stdoutWriter(64, new Writes(broken));
		this.writer.record(entry("a"));
		this.writer.record(entry("b"));
		this.writer.drain(new AccessLogFormat(AccessLogProperties.Format.JSON), this.writer.newBatch());
		assertThat(this.meters.counter("gatehouse.gateway.access_log.dropped").count()).isEqualTo(2);
	}

	@Test
	void stdoutWhileTheAccessLoggerHasAppendersOfItsOwnIsWarnedAboutAtStart() {
		Logger writerLog = (Logger) org.slf4j.LoggerFactory.getLogger(AccessLogWriter.class);
		ListAppender<ILoggingEvent> warnings = new ListAppender<>();
		warnings.start();
		writerLog.addAppender(warnings);
		try {
			// this.logger has an appender of its own (the test's list)
			this.writer = stdoutWriter(16, new Writes());
			this.writer.start();
			assertThat(warnings.list).singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage()).contains(AccessLogWriter.LOGGER,
						"gatehouse.gateway.access-log.output=stdout"));
			this.writer.stop();
			warnings.list.clear();
			// a logger without appenders of its own: nothing to warn about
			this.writer = new AccessLogWriter(
					new LoggerContext().getLogger(AccessLogWriter.LOGGER), new AccessLogProperties(true,
							AccessLogProperties.Format.JSON, 16, AccessLogProperties.Output.STDOUT),
					this.meters, new Writes()::stream);
			this.writer.start();
			assertThat(warnings.list).isEmpty();
		}
		finally {
			writerLog.detachAppender(warnings);
		}
	}

	@Test
	void startsBeforeAndStopsAfterTheWebServer() {
		assertThat(writer(16).getPhase()).isLessThan(
				org.springframework.boot.web.server.context.WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
	}

	private AccessLogWriter writer(int capacity) {
		return new AccessLogWriter(this.logger, new AccessLogProperties(true, AccessLogProperties.Format.JSON, capacity,
				AccessLogProperties.Output.LOGGER), this.meters, () -> {
					throw new AssertionError("output: logger writes nothing to standard output");
				});
	}

	private AccessLogWriter stdoutWriter(int capacity, Writes stdout) {
		return new AccessLogWriter(this.logger, new AccessLogProperties(true, AccessLogProperties.Format.JSON, capacity,
				AccessLogProperties.Output.STDOUT), this.meters, stdout::stream);
	}

	/** A standard output that keeps each write apart. */
	static final class Writes {

		final List<byte[]> writes = new ArrayList<>();

		private final PrintStream stream;

		Writes() {
			this.stream = new PrintStream(new ByteArrayOutputStream(), true) {
				@Override
				public void write(byte[] buf, int off, int len) {
					synchronized (Writes.this.writes) {
						Writes.this.writes.add(java.util.Arrays.copyOfRange(buf, off, off + len));
					}
				}
			};
		}

		Writes(PrintStream stream) {
			this.stream = stream;
		}

		PrintStream stream() {
			return this.stream;
		}

		String text() {
			StringBuilder all = new StringBuilder();
			synchronized (this.writes) {
				for (byte[] write : this.writes) {
					all.append(new String(write, StandardCharsets.UTF_8));
				}
			}
			return all.toString();
		}

	}

	private List<String> messages() {
		return this.lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
	}

	private static AccessLogEntry entry(String requestId) {
		return new AccessLogEntry(0, requestId, null, "GET", "/x", null, 200, 0, -1, -1, null, null, null, null);
	}

}
