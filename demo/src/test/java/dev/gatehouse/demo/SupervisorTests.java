package dev.gatehouse.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatehouse.demo.Supervisor.ChildFailedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The launcher's watch over its children, with small shell processes as children. A child
 * that is to exit later waits for a flag file the test creates, so nothing depends on
 * timing.
 */
class SupervisorTests {

	private static final Duration LONG = Duration.ofSeconds(60);

	private static final ReadinessProbe READY = (pid) -> true;

	private static final ReadinessProbe NEVER_READY = (pid) -> false;

	@TempDir
	Path dir;

	private final Supervisor supervisor = new Supervisor(Duration.ofMillis(200));

	@AfterEach
	void stopEverything() {
		this.supervisor.stopAll(Duration.ofSeconds(5));
	}

	@Test
	void aChildThatExitsWhileStartingFailsTheStartWithTheCauseFromItsLog() {
		ServiceProcess gateway = child("gateway");
		List<String> command = shell("""
				echo 'Starting GatewayApplication'
				echo '***************************'
				echo 'APPLICATION FAILED TO START'
				echo '***************************'
				echo ''
				echo 'Description:'
				echo ''
				echo 'Web server failed to start. Port 8081 was already in use.'
				exit 1
				""");

		assertThatThrownBy(() -> this.supervisor.startAndAwaitReady(gateway, command, NEVER_READY, LONG))
			.isInstanceOf(ChildFailedException.class)
			.hasMessageContaining("gateway exited with code 1")
			.hasMessageContaining("Web server failed to start. Port 8081 was already in use.")
			.hasMessageContaining(gateway.log().toString())
			.message()
			.doesNotContain("Starting GatewayApplication");
	}

	@Test
	void aChildIsReadyOnlyOnceItsProbeSaysSo() throws Exception {
		ServiceProcess auth = child("auth-service");
		AtomicInteger asked = new AtomicInteger();
		ReadinessProbe readyOnThirdAsk = (pid) -> asked.incrementAndGet() >= 3;

		this.supervisor.startAndAwaitReady(auth, waitFor(flag("never")), readyOnThirdAsk, LONG);

		assertThat(asked).hasValue(3);
		assertThat(auth.isAlive()).isTrue();
	}

	@Test
	void theProbeIsAskedAboutTheChildsOwnProcessId() throws Exception {
		ServiceProcess redis = child("redis");
		long[] askedPid = new long[1];

		this.supervisor.startAndAwaitReady(redis, waitFor(flag("never")), (pid) -> {
			askedPid[0] = pid;
			return true;
		}, LONG);

		assertThat(askedPid[0]).isEqualTo(redis.pid());
	}

	@Test
	void anEarlierChildDyingWhileALaterOneStartsFailsTheStartWithItsCause() throws Exception {
		Path flag = flag("redis-dies");
		ServiceProcess redis = child("redis");
		this.supervisor.startAndAwaitReady(redis, waitFor(flag, "echo 'Received SIGINT scheduling shutdown...'", 3),
				READY, LONG);
		ServiceProcess auth = child("auth-service");
		// the first time the auth-service is asked, Redis goes away
		ReadinessProbe killRedisOnce = (pid) -> {
			touch(flag);
			return false;
		};

		assertThatThrownBy(() -> this.supervisor.startAndAwaitReady(auth, waitFor(flag("never")), killRedisOnce, LONG))
			.isInstanceOf(ChildFailedException.class)
			.hasMessageContaining("redis exited with code 3")
			.hasMessageContaining("Received SIGINT scheduling shutdown...");
	}

	@Test
	void theFirstChildToDieEndsTheWatchAndStopAllStopsTheOthers() throws Exception {
		Path flag = flag("auth-dies");
		ServiceProcess redis = child("redis");
		ServiceProcess auth = child("auth-service");
		ServiceProcess gateway = child("gateway");
		this.supervisor.startAndAwaitReady(redis, waitFor(flag("never")), READY, LONG);
		this.supervisor.startAndAwaitReady(auth,
				waitFor(flag, "echo 'java.lang.OutOfMemoryError: Java heap space'", 137), READY, LONG);
		this.supervisor.startAndAwaitReady(gateway, waitFor(flag("never")), READY, LONG);

		touch(flag);
		ServiceProcess exited = this.supervisor.awaitFirstExit();

		assertThat(exited).isSameAs(auth);
		assertThat(exited.exitReport()).startsWith("auth-service exited with code 137:")
			.contains("java.lang.OutOfMemoryError: Java heap space");
		assertThat(this.supervisor.isStopping()).isFalse();
		this.supervisor.stopAll(Duration.ofSeconds(5));
		assertThat(this.supervisor.isStopping()).isTrue();
		assertThat(redis.isAlive()).isFalse();
		assertThat(gateway.isAlive()).isFalse();
	}

	@Test
	void aChildThatIsNeverReadyFailsTheStartAtTheTimeout() {
		ServiceProcess auth = child("auth-service");

		assertThatThrownBy(
				() -> this.supervisor.startAndAwaitReady(auth, waitFor(flag("never")), NEVER_READY, Duration.ZERO))
			.isInstanceOf(ChildFailedException.class)
			.hasMessageContaining("auth-service not ready after 0 s");
	}

	@Test
	void onceStoppingNoChildStarts() {
		this.supervisor.stopAll(Duration.ofSeconds(5));
		ServiceProcess gateway = child("gateway");

		assertThatThrownBy(() -> this.supervisor.startAndAwaitReady(gateway, waitFor(flag("never")), READY, LONG))
			.isInstanceOf(ChildFailedException.class);
		assertThat(gateway.isStarted()).isFalse();
	}

	private ServiceProcess child(String name) {
		return new ServiceProcess(name, this.dir.resolve("logs").resolve(name + ".log"));
	}

	private Path flag(String name) {
		return this.dir.resolve(name + ".flag");
	}

	private static void touch(Path flag) {
		try {
			Files.writeString(flag, "go");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A child that runs until the flag file exists. */
	private static List<String> waitFor(Path flag) {
		return waitFor(flag, "true", 0);
	}

	/**
	 * A child that runs until the flag file exists, then runs {@code last} and exits with
	 * {@code code}.
	 */
	private static List<String> waitFor(Path flag, String last, int code) {
		return shell("while [ ! -e '" + flag + "' ]; do sleep 0.05; done\n" + last + "\nexit " + code + "\n");
	}

	private static List<String> shell(String script) {
		return List.of("/bin/sh", "-c", script);
	}

}
