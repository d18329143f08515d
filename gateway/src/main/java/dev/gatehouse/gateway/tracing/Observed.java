package dev.gatehouse.gateway.tracing;

import java.util.function.Supplier;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Mono;

/**
 * Runs a {@link Mono} inside an observation (a span when tracing is on) that is a child
 * of the request's observation, which WebFlux keeps in the Reactor context.
 */
final class Observed {

	private Observed() {
	}

	static <T> Mono<T> observe(ObservationRegistry registry, String name, String contextualName, KeyValues keyValues,
			Supplier<Mono<T>> source) {
		return Mono.deferContextual((context) -> {
			Observation observation = Observation.createNotStarted(name, registry)
				.contextualName(contextualName)
				.lowCardinalityKeyValues(keyValues)
				.parentObservation(context.getOrDefault(ObservationThreadLocalAccessor.KEY, null))
				.start();
			Mono<T> mono;
			try (Observation.Scope scope = observation.openScope()) {
				mono = source.get();
			}
			catch (RuntimeException ex) {
				observation.error(ex);
				observation.stop();
				return Mono.error(ex);
			}
			return mono.doOnError(observation::error)
				.doFinally((signal) -> observation.stop())
				.contextWrite((inner) -> inner.put(ObservationThreadLocalAccessor.KEY, observation));
		});
	}

}
