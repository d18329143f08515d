package dev.gatehouse.gateway.accesslog;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The access log ({@code gatehouse.gateway.access-log.*}): one line per request on logger
 * {@code dev.gatehouse.gateway.access}, written by a background thread so no request ever
 * waits for it.
 *
 * @param enabled write the access log at all (the logger's level can switch it off too)
 * @param format {@code json} (one JSON object per line) or {@code text}
 * @param queueCapacity lines waiting to be written; when the writer falls behind, further
 * lines are dropped and counted in {@code gatehouse.gateway.access_log.dropped} instead
 * of stalling requests
 * @param output where the lines go: the logger's appenders (the default), or standard
 * output as they are, several per write
 */
@ConfigurationProperties(AccessLogProperties.PREFIX)
@Validated
record AccessLogProperties(@DefaultValue("true") boolean enabled, @NotNull @DefaultValue("json") Format format,
		@Min(16) @Max(1_048_576) @DefaultValue("8192") int queueCapacity,
		@NotNull @DefaultValue("logger") Output output) {

	public static final String PREFIX = "gatehouse.gateway.access-log";

	/** How a line is written. */
	public enum Format {

		/** One JSON object per line. */
		JSON,

		/** {@code GET /path 200 1.234ms requestId=…}. */
		TEXT

	}

	/** Where lines go. */
	public enum Output {

		/**
		 * Standard output, each line as it is (no log pattern around it), many lines per
		 * write; the logger's level still switches the log off.
		 */
		STDOUT,

		/**
		 * One event per line on the logger, through the logging system's appenders (the
		 * console pattern, {@code logging.file.*}, a Logback configuration of your own).
		 */
		LOGGER

	}

}
