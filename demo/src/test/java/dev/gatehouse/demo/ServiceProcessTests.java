package dev.gatehouse.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceProcessTests {

	@Test
	void causeOfASpringBootStartFailureIsItsFailureAnalysis() {
		List<String> log = List.of("2026-01-01T10:00:00Z  INFO 1 --- [main] d.g.g.GatewayApplication : Starting",
				"2026-01-01T10:00:03Z ERROR 1 --- [main] o.s.b.d.LoggingFailureAnalysisReporter :", "",
				"***************************", "APPLICATION FAILED TO START", "***************************", "",
				"Description:", "", "Web server failed to start. Port 8081 was already in use.", "", "Action:", "",
				"Identify and stop the process that's listening on port 8081 or configure this application to listen on another port.",
				"");

		assertThat(ServiceProcess.cause(log)).containsExactly("Description:",
				"Web server failed to start. Port 8081 was already in use.", "Action:",
				"Identify and stop the process that's listening on port 8081 or configure this application to listen on another port.");
	}

	@Test
	void causeWithoutAFailureAnalysisIsTheEndOfTheLog() {
		List<String> log = new ArrayList<>();
		IntStream.range(0, 40).forEach((i) -> log.add("line " + i));
		log.add("");
		log.add("# Could not create server TCP listening socket 127.0.0.1:6390: bind: Address already in use");

		List<String> cause = ServiceProcess.cause(log);

		assertThat(cause).hasSize(ServiceProcess.TAIL_LINES)
			.endsWith("# Could not create server TCP listening socket 127.0.0.1:6390: bind: Address already in use")
			.doesNotContain("line 0", "");
	}

	@Test
	void causeOfAnEmptyLogIsNothing() {
		assertThat(ServiceProcess.cause(List.of())).isEmpty();
	}

}
