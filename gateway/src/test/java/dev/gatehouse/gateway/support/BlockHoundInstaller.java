package dev.gatehouse.gateway.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound once per test JVM, before any test runs (registered in
 * {@code META-INF/services}), so every test catches blocking calls on Reactor's
 * non-blocking threads.
 */
public final class BlockHoundInstaller implements LauncherSessionListener {

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		BlockHound.install(builder -> builder
			// Logging to the console is synchronous by design (access log, warnings).
			.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
			.allowBlockingCallsInside("ch.qos.logback.classic.Logger", "callAppenders")
			// Lazily loading classes reads jars; it happens once per class.
			.allowBlockingCallsInside("java.lang.ClassLoader", "loadClass")
			// Lettuce guards each command write with a lock held for a counter increment (longer only while its
			// endpoint flushes or closes, without I/O); Reactor Netty threads send Redis commands through it, as Spring
			// Cloud Gateway's own Redis limiter does. Unlike Spring Data Redis's connection-factory lock, which may be
			// held across a blocking connect and is therefore only taken off the event loop, this wait is bounded.
			.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
			// WireMock runs in the test JVM on its own (Jetty) threads.
			.allowBlockingCallsInside("com.github.tomakehurst.wiremock.core.WireMockApp", "serveStubFor"));
	}

}
