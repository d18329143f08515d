package dev.gatehouse.demo;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts the demo's child processes one after the other, waits until each is ready by its
 * own answer, and watches all of them: the first one to die ends the demo. Once
 * {@link #stopAll} has begun, nothing more starts and a child's exit is no failure.
 */
final class Supervisor {

	private final Duration pollInterval;

	private final List<ServiceProcess> children = new ArrayList<>();

	private boolean stopping;

	/**
	 * @param pollInterval how often readiness is asked while a child starts (a child's
	 * exit is noticed at once)
	 */
	Supervisor(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	/**
	 * Start a child and wait until it is ready.
	 * @param child the child
	 * @param command its command line
	 * @param probe readiness by the child's own answer
	 * @param timeout how long it may take
	 * @throws ChildFailedException when it (or a child started before) exits first, or
	 * the timeout passes
	 * @throws IOException when the process cannot be started
	 * @throws InterruptedException when interrupted
	 */
	void startAndAwaitReady(ServiceProcess child, List<String> command, ReadinessProbe probe, Duration timeout)
			throws IOException, InterruptedException {
		synchronized (this) {
			if (this.stopping) {
				throw new ChildFailedException("stopping; " + child.name() + " not started");
			}
			child.start(command);
			this.children.add(child);
		}
		Instant deadline = Instant.now().plus(timeout);
		while (true) {
			requireAllAlive();
			if (probe.isReady(child.pid())) {
				// the answer came from this child; make sure it still runs (it may have
				// failed right after)
				requireAllAlive();
				return;
			}
			if (!Instant.now().isBefore(deadline)) {
				throw new ChildFailedException(
						child.name() + " not ready after " + timeout.toSeconds() + " s; see " + child.log());
			}
			// wakes up at once when any child exits
			try {
				CompletableFuture.anyOf(exits()).get(this.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				// poll again
			}
		}
	}

	/**
	 * Block until a child exits.
	 * @return the child that exited first
	 */
	ServiceProcess awaitFirstExit() {
		return (ServiceProcess) CompletableFuture.anyOf(exits()).join();
	}

	synchronized boolean isStopping() {
		return this.stopping;
	}

	/**
	 * Stop every child, the last started first; no child starts afterwards.
	 * @param grace how long each may take to stop gracefully
	 */
	void stopAll(Duration grace) {
		List<ServiceProcess> reversed;
		synchronized (this) {
			this.stopping = true;
			reversed = new ArrayList<>(this.children);
		}
		Collections.reverse(reversed);
		for (ServiceProcess child : reversed) {
			child.stop(grace);
		}
	}

	private synchronized CompletableFuture<?>[] exits() {
		return this.children.stream().map(ServiceProcess::onExit).toArray(CompletableFuture[]::new);
	}

	private void requireAllAlive() {
		List<ServiceProcess> started;
		synchronized (this) {
			started = List.copyOf(this.children);
		}
		for (ServiceProcess child : started) {
			if (!child.isAlive()) {
				throw new ChildFailedException(child.exitReport());
			}
		}
	}

	/** A child died or did not become ready; the message says which and why. */
	static final class ChildFailedException extends IllegalStateException {

		ChildFailedException(String message) {
			super(message);
		}

	}

}
