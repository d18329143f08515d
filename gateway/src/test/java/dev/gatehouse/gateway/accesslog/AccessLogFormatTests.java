package dev.gatehouse.gateway.accesslog;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class AccessLogFormatTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final AccessLogEntry PROXIED = new AccessLogEntry(1_700_000_000_123L, "req-1", null, "GET",
			"/api/items", "items", 200, 1_234_567, 1_000_000, 31, "127.0.0.1", "alice", "web", null);

	@Test
	void jsonCarriesEveryKnownFieldAndLeavesOutUnknownOnes() {
		Map<String, Object> line = parse(json(PROXIED));
		assertThat(line).containsEntry("time", "2023-11-14T22:13:20.123Z")
			.containsEntry("requestId", "req-1")
			.containsEntry("method", "GET")
			.containsEntry("path", "/api/items")
			.containsEntry("route", "items")
			.containsEntry("status", 200)
			.containsEntry("durationMs", 1.234)
			.containsEntry("upstreamMs", 1.0)
			.containsEntry("bytes", 31)
			.containsEntry("client", "127.0.0.1")
			.containsEntry("subject", "alice")
			.containsEntry("clientId", "web")
			.doesNotContainKeys("traceId", "reason");
	}

	@Test
	void aRefusalHasItsReasonAndNoUpstreamTimeOrSize() {
		AccessLogEntry refused = new AccessLogEntry(0, "req-2", null, "GET", "/api/items", "items", 401, 50_000, -1, -1,
				"::1", null, null, "invalid-token");
		Map<String, Object> line = parse(json(refused));
		assertThat(line).containsEntry("reason", "invalid-token")
			.containsEntry("durationMs", 0.05)
			.doesNotContainKeys("upstreamMs", "bytes", "subject", "clientId");
	}

	@Test
	void jsonEscapesWhateverAClientPutInThePath() {
		AccessLogEntry hostile = new AccessLogEntry(0, "req-3", null, "GET", "/a\"b\\c\nd\u0001\u2028", null, 404, 0,
				-1, -1, null, null, null, "not-found");
		String json = json(hostile);
		assertThat(json).doesNotContain("\n").doesNotContain("\u2028");
		assertThat(parse(json)).containsEntry("path", "/a\"b\\c\nd\u0001\u2028");
	}

	@Test
	void textIsOneLineOfFieldsWithoutSpacesInsideValues() {
		assertThat(text(PROXIED)).isEqualTo(
				"GET /api/items 200 1.234ms requestId=req-1 route=items upstreamMs=1.000 bytes=31 client=127.0.0.1 "
						+ "subject=alice clientId=web");
		AccessLogEntry hostile = new AccessLogEntry(0, "r", null, "GET", "/a b\nc", null, 404, 0, -1, -1, null, "x y",
				null, null);
		assertThat(text(hostile)).isEqualTo("GET /a_b_c 404 0.000ms requestId=r subject=x_y");
	}

	@Test
	void timeIsWrittenAsInstantWritesItAcrossSecondsAndWholeSeconds() {
		AccessLogFormat format = new AccessLogFormat(AccessLogProperties.Format.JSON);
		long start = 1_700_000_000_000L;
		long[] times = { start, start + 1, start + 9, start + 10, start + 99, start + 100, start + 999, start + 1_000,
				start + 1_001, start + 59_999, start + 3_600_000, start - 1, 0, -1, -1_000, 253_402_300_799_999L,
				253_402_300_800_000L };
		for (long time : times) {
			// the same formatter for every line: its per-second text must follow the time
			AccessLogEntry entry = new AccessLogEntry(time, "r", null, "GET", "/", null, 200, 0, -1, -1, null, null,
					null, null);
			assertThat(parse(format.format(entry).toString())).as("epoch millisecond %d", time)
				.containsEntry("time", Instant.ofEpochMilli(time).toString());
		}
	}

	@Test
	void aReusedFormatterLeavesNothingOfTheLineBefore() {
		AccessLogFormat format = new AccessLogFormat(AccessLogProperties.Format.JSON);
		AccessLogEntry hostile = new AccessLogEntry(0, "req-3", null, "GET", "/a\"b", "long-route-id", 404, 0, -1, -1,
				"127.0.0.1", "alice", "web", "not-found");
		String first = format.format(hostile).toString();
		String second = format.format(PROXIED).toString();
		assertThat(second).isEqualTo(json(PROXIED)).doesNotContain("not-found");
		assertThat(format.format(hostile).toString()).isEqualTo(first);
	}

	private static String json(AccessLogEntry entry) {
		return new AccessLogFormat(AccessLogProperties.Format.JSON).format(entry).toString();
	}

	private static String text(AccessLogEntry entry) {
		return new AccessLogFormat(AccessLogProperties.Format.TEXT).format(entry).toString();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> parse(String json) {
		return JSON.readValue(json, Map.class);
	}

}
