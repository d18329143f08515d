package dev.gatehouse.gateway.support;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Proves BlockHound is installed in every test run: a blocking call on a non-blocking
 * Reactor thread fails.
 */
class BlockHoundTests {

	@Test
	void blockingCallOnAReactorThreadFails() {
		Mono<Void> blocking = Mono.<Void>fromRunnable(() -> LockSupport.parkNanos(1_000))
			.subscribeOn(Schedulers.parallel());
		Throwable thrown = catchThrowable(() -> blocking.block(Duration.ofSeconds(5)));
		assertThat(thrown).isNotNull();
		Throwable root = thrown;
		while (!(root instanceof BlockingOperationError) && root.getCause() != null) {
			root = root.getCause();
		}
		assertThat(root).isInstanceOf(BlockingOperationError.class);
	}

	@Test
	void sameCallOffTheEventLoopIsAllowed() {
		Mono<String> onBoundedElastic = Mono.fromCallable(() -> {
			LockSupport.parkNanos(1_000);
			return "ok";
		}).subscribeOn(Schedulers.boundedElastic());
		assertThat(onBoundedElastic.block(Duration.ofSeconds(5))).isEqualTo("ok");
	}

}
