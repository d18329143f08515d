package dev.gatehouse.gateway.routes;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the routes file's reloads did: the last good load and the last failure with its
 * problems (shown by the explain endpoint), counted in
 * {@code gatehouse.gateway.routes.reload{result=success|failure}}.
 */
public final class RoutesReload {

	/** The reload counter's name. */
	public static final String METRIC = "gatehouse.gateway.routes.reload";

	private final Clock clock;

	private final Counter successes;

	private final Counter failures;

	private final AtomicReference<Status> status;

	/**
	 * @param routesFile the watched file; {@code null} when none is configured
	 * @param meters where the counters are registered (also without a file, so dashboards
	 * and alerts always find them)
	 * @param clock time source
	 */
	public RoutesReload(String routesFile, MeterRegistry meters, Clock clock) {
		this.clock = clock;
		this.successes = meters.counter(METRIC, "result", "success");
		this.failures = meters.counter(METRIC, "result", "failure");
		this.status = new AtomicReference<>(new Status(routesFile, null, null, null, List.of()));
	}

	// the status first: whoever sees a counter move then finds the status that goes with
	// it

	void loaded(int routes) {
		this.status.updateAndGet((s) -> new Status(s.routesFile(), this.clock.instant(), routes, s.lastFailure(),
				s.lastFailureProblems()));
		this.successes.increment();
	}

	void failed(List<String> problems) {
		this.status.updateAndGet(
				(s) -> new Status(s.routesFile(), s.lastLoaded(), s.routes(), this.clock.instant(), problems));
		this.failures.increment();
	}

	/**
	 * @return the current status (immutable)
	 */
	public Status status() {
		return this.status.get();
	}

	/**
	 * @param routesFile the watched file ({@code null}: none configured)
	 * @param lastLoaded when the routes now serving were loaded from it
	 * @param routes how many routes that load held
	 * @param lastFailure when a change was last refused ({@code null}: never)
	 * @param lastFailureProblems what was wrong with it, each naming its key
	 */
	public record Status(String routesFile, Instant lastLoaded, Integer routes, Instant lastFailure,
			List<String> lastFailureProblems) {

		public Status {
			lastFailureProblems = List.copyOf(lastFailureProblems);
		}

	}

}
