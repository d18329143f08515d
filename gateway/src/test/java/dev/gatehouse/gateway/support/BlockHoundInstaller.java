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

	// BlockHound must only ever report what is worth fixing: an error thrown from inside
	// a lock's wait queue leaves
	// that lock wedged for the rest of the JVM, so bounded framework locks that event
	// loops take by design are allowed.
	@Override
	public void launcherSessionOpened(LauncherSession session) {
		BlockHound.install(builder -> builder
			// Logging to the console is synchronous by design (access log, warnings).
			.allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
			.allowBlockingCallsInside("ch.qos.logback.classic.Logger", "callAppenders")
			// Lazily loading classes reads jars; it happens once per class.
			.allowBlockingCallsInside("java.lang.ClassLoader", "loadClass")
			// Lettuce guards each command write with a lock held for a counter increment
			// (longer only while its
			// endpoint flushes or closes, without I/O); Reactor Netty threads send Redis
			// commands through it, as Spring
			// Cloud Gateway's own Redis limiter does. Unlike Spring Data Redis's
			// connection-factory lock, which may be
			// held across a blocking connect and is therefore only taken off the event
			// loop, this wait is bounded.
			.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
			// Resilience4j's circuit breaker records each call's outcome in its sliding
			// window under a ReentrantLock
			// held for an array update; the route's breaker records on whichever event
			// loop the response arrived.
			.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record")
			.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics",
					"getSnapshot")
			.allowBlockingCallsInside("io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "record")
			.allowBlockingCallsInside("io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "getSnapshot")
			// Resilience4j's AtomicRateLimiter (the in-memory rate-limit store) backs off
			// for one nanosecond (LockSupport.parkNanos(1)) when two threads update the
			// same limiter at once, then retries its compare-and-set: a bounded spin, not
			// a wait for a permission (those are taken with a zero timeout). See
			// docs/rate-limits-and-revocation.md.
			.allowBlockingCallsInside("io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter", "compareAndSet")
			// Netty's adaptive buffer allocator (4.2) takes a StampedLock, held for an
			// array
			// swap, when it grows or frees a magazine; event loops allocate by design,
			// and on
			// a loaded machine two of them can meet there (seen in ProtocolsIT's 200 MB
			// upload).
			.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
			.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free")
			// WireMock runs in the test JVM on its own (Jetty) threads.
			.allowBlockingCallsInside("com.github.tomakehurst.wiremock.core.WireMockApp", "serveStubFor"));
	}

}
