package dev.gatehouse.gateway.protocol;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Response timeouts kept in an event loop's list, swept every
 * {@link ResponseDeadlines#SWEEP_INTERVAL}.
 */
class ResponseDeadlinesTests {

	private final ResponseDeadlines deadlines = new ResponseDeadlines();

	private final EventLoop loop = new DefaultEventLoop();

	private final Scheduler onTheLoop = Schedulers.fromExecutor(this.loop);

	private final List<Throwable> dropped = new CopyOnWriteArrayList<>();

	@BeforeEach
	void recordDroppedErrors() {
		Hooks.onErrorDropped(this.dropped::add);
	}

	@AfterEach
	void stop() {
		Hooks.resetOnErrorDropped();
		this.onTheLoop.dispose();
		this.loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
	}

	@Test
	void aCallWithoutAnswerInTimeFailsWithATimeoutAndIsCancelled() {
		for (boolean subscribedOnTheLoop : new boolean[] { true, false }) {
			AtomicInteger cancelled = new AtomicInteger();
			Mono<Void> timed = this.deadlines.within(Mono.<Void>never().doOnCancel(cancelled::incrementAndGet),
					Duration.ofMillis(50), this.loop);

			Duration took = StepVerifier.create(subscribedOnTheLoop ? timed.subscribeOn(this.onTheLoop) : timed)
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(TimeoutException.class)
					.hasMessage("Response took longer than timeout: PT0.05S"))
				.verify(Duration.ofSeconds(5));

			assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(50));
			assertThat(cancelled).hasValue(1);
			awaitEmptyList();
		}
	}

	@Test
	void aCallAnsweredInTimeCompletesAndLeavesTheList() {
		AtomicInteger cancelled = new AtomicInteger();
		Mono<Void> answer = Mono.delay(Duration.ofMillis(20)).then().doOnCancel(cancelled::incrementAndGet);

		StepVerifier
			.create(this.deadlines.within(answer, Duration.ofMillis(200), this.loop).subscribeOn(this.onTheLoop))
			.expectSubscription()
			.expectComplete()
			.verify(Duration.ofSeconds(5));

		awaitEmptyList();
		assertThat(cancelled).hasValue(0);
	}

	@Test
	void anErrorOfTheCallPassesThroughUnchanged() {
		IllegalStateException refused = new IllegalStateException("connection refused");

		StepVerifier
			.create(this.deadlines.within(Mono.delay(Duration.ofMillis(10)).then(Mono.error(refused)),
					Duration.ofSeconds(1), this.loop))
			.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(refused))
			.verify(Duration.ofSeconds(5));

		awaitEmptyList();
	}

	@Test
	void aCancelledCallIsCancelledOnceAndNeverTimesOut() throws InterruptedException {
		AtomicInteger cancelled = new AtomicInteger();
		Mono<Void> timed = this.deadlines.within(Mono.<Void>never().doOnCancel(cancelled::incrementAndGet),
				Duration.ofMillis(30), this.loop);

		StepVerifier.create(timed.subscribeOn(this.onTheLoop))
			.expectSubscription()
			.thenAwait(Duration.ofMillis(5))
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		// past its deadline and several sweeps
		Thread.sleep(100);

		assertThat(cancelled).hasValue(1);
		assertThat(this.dropped).isEmpty();
		awaitEmptyList();
	}

	@Test
	void callsWithDifferentTimeoutsOnOneLoopEachEndAtTheirOwnDeadline() {
		AtomicInteger longCallCancelled = new AtomicInteger();
		Mono<Void> longCall = this.deadlines.within(Mono.<Void>never().doOnCancel(longCallCancelled::incrementAndGet),
				Duration.ofSeconds(2), this.loop);
		Mono<Void> shortCall = this.deadlines.within(Mono.never(), Duration.ofMillis(50), this.loop);

		StepVerifier.create(longCall.subscribeOn(this.onTheLoop))
			.expectSubscription()
			.then(() -> StepVerifier.create(shortCall.subscribeOn(this.onTheLoop))
				.expectError(TimeoutException.class)
				.verify(Duration.ofSeconds(1)))
			.then(() -> assertThat(longCallCancelled).hasValue(0))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(5));

		assertThat(longCallCancelled).hasValue(1);
	}

	@Test
	void aCallStartedWhileTheLoopHandlesATimeoutIsTimedToo() {
		AtomicInteger subscriptions = new AtomicInteger();
		Mono<Void> call = Mono.<Void>never().doOnSubscribe((subscription) -> subscriptions.incrementAndGet());

		// the retry subscribes again from inside the sweep that timed the first call out
		StepVerifier
			.create(this.deadlines.within(call, Duration.ofMillis(30), this.loop).retry(1).subscribeOn(this.onTheLoop))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(5));

		assertThat(subscriptions).hasValue(2);
		awaitEmptyList();
	}

	@Test
	void aSubscriberThatThrowsOnItsTimeoutLeavesTheOtherCallsTimed() {
		CoreSubscriber<Void> throwing = new CoreSubscriber<>() {

			@Override
			public void onSubscribe(Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(Void value) {
			}

			@Override
			public void onError(Throwable error) {
				throw new IllegalStateException("a subscriber breaking the rules");
			}

			@Override
			public void onComplete() {
			}

		};
		this.deadlines.within(Mono.never(), Duration.ofMillis(20), this.loop).subscribe(throwing);

		// listed behind the first one; no other call comes to start a sweep
		StepVerifier.create(this.deadlines.within(Mono.never(), Duration.ofMillis(60), this.loop))
			.expectError(TimeoutException.class)
			.verify(Duration.ofSeconds(5));
		awaitEmptyList();
	}

	private void awaitEmptyList() {
		await().atMost(Duration.ofSeconds(2))
			.until(() -> this.loop.submit(() -> this.deadlines.listed(this.loop)).get() == 0);
	}

}
