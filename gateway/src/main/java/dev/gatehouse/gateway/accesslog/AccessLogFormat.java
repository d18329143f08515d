package dev.gatehouse.gateway.accesslog;

import java.time.Instant;

/**
 * Renders an {@link AccessLogEntry} as one line: a JSON object, or text. Runs on the
 * access log's writer thread, never on a request's; one instance per writer, not
 * thread-safe: it reuses one buffer for every line and the text of the last second seen.
 */
final class AccessLogFormat {

	private final AccessLogProperties.Format format;

	// a typical JSON line is 230-290 characters: one buffer, no growth
	private final StringBuilder line = new StringBuilder(384);

	private long second = Long.MIN_VALUE;

	/** {@code second} as {@link Instant#toString()} writes it, without the {@code Z}. */
	private String secondText = "";

	AccessLogFormat(AccessLogProperties.Format format) {
		this.format = format;
	}

	/**
	 * @param entry what to render
	 * @return the line, in this formatter's buffer: valid until the next call
	 */
	CharSequence format(AccessLogEntry entry) {
		StringBuilder out = this.line;
		out.setLength(0);
		if (this.format == AccessLogProperties.Format.TEXT) {
			text(out, entry);
		}
		else {
			json(out, entry);
		}
		return out;
	}

	private void json(StringBuilder out, AccessLogEntry entry) {
		out.append("{\"time\":\"");
		appendTime(out, entry.time());
		out.append('"');
		string(out, "requestId", entry.requestId());
		string(out, "traceId", entry.traceId());
		string(out, "method", entry.method());
		string(out, "path", entry.path());
		string(out, "route", entry.route());
		number(out, "status", entry.status());
		millis(out, "durationMs", entry.durationNanos());
		if (entry.upstreamNanos() >= 0) {
			millis(out, "upstreamMs", entry.upstreamNanos());
		}
		if (entry.bytes() >= 0) {
			number(out, "bytes", entry.bytes());
		}
		string(out, "client", entry.client());
		string(out, "subject", entry.subject());
		string(out, "clientId", entry.clientId());
		string(out, "reason", entry.reason());
		out.append('}');
	}

	/**
	 * Exactly what {@code Instant.ofEpochMilli(epochMilli).toString()} writes, with the
	 * date and time of day formatted once per second instead of once per line.
	 */
	private void appendTime(StringBuilder out, long epochMilli) {
		long epochSecond = Math.floorDiv(epochMilli, 1000L);
		if (epochSecond != this.second) {
			String text = Instant.ofEpochSecond(epochSecond).toString();
			this.secondText = text.substring(0, text.length() - 1);
			this.second = epochSecond;
		}
		out.append(this.secondText);
		int milli = (int) Math.floorMod(epochMilli, 1000L);
		if (milli != 0) {
			out.append('.');
			if (milli < 100) {
				out.append('0');
			}
			if (milli < 10) {
				out.append('0');
			}
			out.append(milli);
		}
		out.append('Z');
	}

	private static void text(StringBuilder out, AccessLogEntry entry) {
		out.append(entry.method())
			.append(' ')
			.append(printable(entry.path()))
			.append(' ')
			.append(entry.status())
			.append(' ');
		appendMillis(out, entry.durationNanos());
		out.append("ms requestId=").append(entry.requestId());
		pair(out, "route", entry.route());
		if (entry.upstreamNanos() >= 0) {
			out.append(" upstreamMs=");
			appendMillis(out, entry.upstreamNanos());
		}
		if (entry.bytes() >= 0) {
			out.append(" bytes=").append(entry.bytes());
		}
		pair(out, "client", entry.client());
		pair(out, "subject", entry.subject());
		pair(out, "clientId", entry.clientId());
		pair(out, "reason", entry.reason());
		pair(out, "traceId", entry.traceId());
	}

	private static void pair(StringBuilder out, String name, String value) {
		if (value != null) {
			out.append(' ').append(name).append('=').append(printable(value));
		}
	}

	/**
	 * Text lines are split on whitespace by whoever reads them: no control characters, no
	 * spaces inside a value.
	 */
	private static String printable(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c <= ' ' || c == 0x7f) {
				StringBuilder out = new StringBuilder(value.length());
				for (int j = 0; j < value.length(); j++) {
					char d = value.charAt(j);
					out.append((d <= ' ' || d == 0x7f) ? '_' : d);
				}
				return out.toString();
			}
		}
		return value;
	}

	private static void string(StringBuilder out, String name, String value) {
		if (value == null) {
			return;
		}
		separator(out).append('"').append(name).append("\":\"");
		int clean = cleanPrefix(value);
		if (clean == value.length()) {
			// the usual case (ids, paths, addresses): appended whole, not char by char
			out.append(value).append('"');
			return;
		}
		out.append(value, 0, clean);
		for (int i = clean; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	/** Length of the prefix of {@code value} that needs no escaping. */
	private static int cleanPrefix(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
				return i;
			}
		}
		return value.length();
	}

	private static void number(StringBuilder out, String name, long value) {
		separator(out).append('"').append(name).append("\":").append(value);
	}

	private static void millis(StringBuilder out, String name, long nanos) {
		separator(out).append('"').append(name).append("\":");
		appendMillis(out, nanos);
	}

	/** Milliseconds with three decimals (microsecond resolution). */
	private static void appendMillis(StringBuilder out, long nanos) {
		long micros = Math.max(nanos, 0) / 1_000;
		out.append(micros / 1_000).append('.');
		long fraction = micros % 1_000;
		if (fraction < 100) {
			out.append('0');
		}
		if (fraction < 10) {
			out.append('0');
		}
		out.append(fraction);
	}

	private static StringBuilder separator(StringBuilder out) {
		return (out.charAt(out.length() - 1) == '{') ? out : out.append(',');
	}

}
