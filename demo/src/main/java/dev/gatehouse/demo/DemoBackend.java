package dev.gatehouse.demo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/**
 * The demo's "existing backend": a WireMock server whose stubs and files live in the
 * classpath folder {@value #CLASSPATH_ROOT} ({@code mappings/*.json}, {@code __files/…}).
 * The stubs use WireMock's response templating, so they answer from what the gateway
 * forwarded ({@code X-Auth-Subject}, every header, the path).
 * <p>
 * It listens on loopback only, and its admin API ({@code /__admin/**}, which could add
 * stubs that the gateway would then serve from its own origin) is refused: it requires
 * HTTPS, and there is no HTTPS listener.
 */
final class DemoBackend {

	/** Classpath folder holding {@code mappings/} and {@code __files/}. */
	static final String CLASSPATH_ROOT = "demo-backend";

	private DemoBackend() {
	}

	/**
	 * Create (not start) the backend.
	 * @param port the port to listen on, {@code 0} for any free one
	 * @return a WireMock server bound to loopback, without a usable admin API
	 */
	static WireMockServer create(int port) {
		WireMockConfiguration options = WireMockConfiguration.options()
			.bindAddress("127.0.0.1")
			.usingFilesUnderClasspath(CLASSPATH_ROOT)
			.disableRequestJournal()
			.requireHttpsForAdminApi()
			.containerThreads(20);
		if (port == 0) {
			options.dynamicPort();
		}
		else {
			options.port(port);
		}
		return new WireMockServer(options);
	}

}
