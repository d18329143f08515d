package dev.gatehouse.gateway.accesslog;

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
		Map<String, Object> line = parse(AccessLogFormat.json(PROXIED));
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
		Map<String, Object> line = parse(AccessLogFormat.json(refused));
		assertThat(line).containsEntry("reason", "invalid-token")
			.containsEntry("durationMs", 0.05)
			.doesNotContainKeys("upstreamMs", "bytes", "subject", "clientId");
	}

	@Test
	void jsonEscapesWhateverAClientPutInThePath() {
		AccessLogEntry hostile = new AccessLogEntry(0, "req-3", null, "GET", "/a\"b\\c\nd\u0001\u2028", null, 404, 0,
				-1, -1, null, null, null, "not-found");
		String json = AccessLogFormat.json(hostile);
		assertThat(json).doesNotContain("\n").doesNotContain("\u2028");
		assertThat(parse(json)).containsEntry("path", "/a\"b\\c\nd\u0001\u2028");
	}

	@Test
	void textIsOneLineOfFieldsWithoutSpacesInsideValues() {
		assertThat(AccessLogFormat.text(PROXIED)).isEqualTo(
				"GET /api/items 200 1.234ms requestId=req-1 route=items upstreamMs=1.000 bytes=31 client=127.0.0.1 "
						+ "subject=alice clientId=web");
		AccessLogEntry hostile = new AccessLogEntry(0, "r", null, "GET", "/a b\nc", null, 404, 0, -1, -1, null, "x y",
				null, null);
		assertThat(AccessLogFormat.text(hostile)).isEqualTo("GET /a_b_c 404 0.000ms requestId=r subject=x_y");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> parse(String json) {
		return JSON.readValue(json, Map.class);
	}

}
