package dev.gatehouse.gateway.protocol;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.netty.util.concurrent.EventExecutor;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Response timeouts of backend calls without a timer per call. Each event loop keeps the
 * calls it times in a list and, while the list holds any, walks it every
 * {@link #SWEEP_INTERVAL}: finished calls leave it, calls past their deadline are
 * cancelled and fail with a {@link TimeoutException}. A timeout therefore fires at most
 * one interval late.
 * <p>
 * Reactor's {@code timeout()} schedules a task per call and cancels it when the response
 * comes, on an event loop a priority-queue insert and removal plus five objects; almost
 * every call finishes long before its deadline, so here a call costs one object, one list
 * append and one compare-and-set, and the loop's sweeps cost a few microseconds every
 * interval ({@code bench/gateway.sh}). Only the loop touches its list: a call subscribed
 * on another thread (after a rate limiter's answer from Redis, say) is handed to the loop
 * as a task; a call finishes on any thread.
 */
final class ResponseDeadlines {

	/** How often a loop with timed calls checks them: how late a timeout may fire. */
	static final Duration SWEEP_INTERVAL = Duration.ofMillis(10);

	private static final long SWEEP_NANOS = SWEEP_INTERVAL.toNanos();

	private final Map<EventExecutor, Lane> lanes = new ConcurrentHashMap<>();

	/**
	 * @param call a call that completes when the backend's response headers are in
	 * @param timeout the time it gets from its subscription
	 * @param loop the event loop whose list keeps it (the client connection's)
	 * @return the call, failing with a {@link TimeoutException} and cancelled if it takes
	 * longer
	 */
	Mono<Void> within(Mono<Void> call, Duration timeout, EventExecutor loop) {
		Lane lane = this.lanes.get(loop);
		if (lane == null) {
			lane = this.lanes.computeIfAbsent(loop, Lane::new);
		}
		return new Timed(call, timeout, lane);
	}

	/**
	 * @return the calls the loop's list holds: timed calls in flight, and those finished
	 * since its last sweep (to be called on that loop)
	 */
	int listed(EventExecutor loop) {
		int listed = 0;
		Lane lane = this.lanes.get(loop);
		for (Call call = (lane != null) ? lane.head : null; call != null; call = call.next) {
			listed++;
		}
		return listed;
	}

	private static final class Timed extends MonoOperator<Void, Void> {

		private final Duration timeout;

		private final long timeoutNanos;

		private final Lane lane;

		Timed(Mono<Void> call, Duration timeout, Lane lane) {
			super(call);
			this.timeout = timeout;
			this.timeoutNanos = timeout.toNanos();
			this.lane = lane;
		}

		@Override
		public void subscribe(CoreSubscriber<? super Void> actual) {
			this.source.subscribe(new Call(actual, System.nanoTime() + this.timeoutNanos, this.timeout, this.lane));
		}

	}

	/**
	 * One loop's timed calls, a singly linked list only that loop reads or changes.
	 */
	private static final class Lane implements Runnable {

		private final EventExecutor loop;

		private Call head;

		private Call tail;

		private boolean sweepScheduled;

		Lane(EventExecutor loop) {
			this.loop = loop;
		}

		void add(Call call) {
			if (this.loop.inEventLoop()) {
				append(call);
				return;
			}
			try {
				this.loop.execute(() -> append(call));
			}
			catch (RejectedExecutionException ex) {
				// the loop is shutting down, its connections with it: the call goes
				// untimed
			}
		}

		private void append(Call call) {
			if (call.isFinished()) {
				return;
			}
			if (this.tail == null) {
				this.head = call;
			}
			else {
				this.tail.next = call;
			}
			this.tail = call;
			if (!this.sweepScheduled) {
				scheduleSweep();
			}
		}

		private void scheduleSweep() {
			try {
				this.loop.schedule(this, SWEEP_NANOS, TimeUnit.NANOSECONDS);
				this.sweepScheduled = true;
			}
			catch (RejectedExecutionException ex) {
				// shutting down: the next append tries again
				this.sweepScheduled = false;
			}
		}

		/** The sweep. */
		@Override
		public void run() {
			this.sweepScheduled = false;
			try {
				sweep(System.nanoTime());
			}
			finally {
				// also when a subscriber threw from a timeout's error: the other calls
				// stay timed (the one that threw is finished and leaves next time)
				if (this.head != null && !this.sweepScheduled) {
					scheduleSweep();
				}
			}
		}

		private void sweep(long now) {
			Call previous = null;
			Call call = this.head;
			while (call != null) {
				boolean leaves = call.isFinished() || call.expireIfDue(now);
				// read after a timeout's error ran: its handling may have appended a call
				// (a retry) behind this one
				Call next = call.next;
				if (leaves) {
					if (previous == null) {
						this.head = next;
					}
					else {
						previous.next = next;
					}
					if (next == null) {
						this.tail = previous;
					}
					call.next = null;
				}
				else {
					previous = call;
				}
				call = next;
			}
		}

	}

	/**
	 * A timed call's subscriber and its subscription downstream. Whichever comes first of
	 * its end (completion, error, cancellation) and its deadline wins the one
	 * compare-and-set; the other is dropped.
	 */
	private static final class Call implements CoreSubscriber<Void>, Subscription {

		private static final AtomicIntegerFieldUpdater<Call> FINISHED = AtomicIntegerFieldUpdater.newUpdater(Call.class,
				"finished");

		private final CoreSubscriber<? super Void> actual;

		private final long deadline;

		private final Duration timeout;

		private final Lane lane;

		private Subscription upstream;

		private volatile int finished;

		/** The next call in its loop's list; only that loop reads or writes it. */
		Call next;

		Call(CoreSubscriber<? super Void> actual, long deadline, Duration timeout, Lane lane) {
			this.actual = actual;
			this.deadline = deadline;
			this.timeout = timeout;
			this.lane = lane;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.actual.onSubscribe(this);
				// listed after: a timeout never reaches the subscriber before its
				// subscription does
				this.lane.add(this);
			}
		}

		@Override
		public void onNext(Void value) {
			// a Mono<Void> has no value to give
		}

		@Override
		public void onError(Throwable error) {
			if (finish()) {
				this.actual.onError(error);
			}
			else {
				Operators.onErrorDropped(error, this.actual.currentContext());
			}
		}

		@Override
		public void onComplete() {
			if (finish()) {
				this.actual.onComplete();
			}
		}

		@Override
		public void request(long n) {
			this.upstream.request(n);
		}

		@Override
		public void cancel() {
			if (finish()) {
				this.upstream.cancel();
			}
		}

		boolean isFinished() {
			return this.finished != 0;
		}

		/**
		 * @param now {@link System#nanoTime()} of the sweep
		 * @return whether the call is over now (timed out here, or finished meanwhile)
		 */
		boolean expireIfDue(long now) {
			if (now - this.deadline < 0) {
				return false;
			}
			if (finish()) {
				this.upstream.cancel();
				this.actual.onError(new TimeoutException("Response took longer than timeout: " + this.timeout));
			}
			return true;
		}

		private boolean finish() {
			return this.finished == 0 && FINISHED.compareAndSet(this, 0, 1);
		}

	}

}
