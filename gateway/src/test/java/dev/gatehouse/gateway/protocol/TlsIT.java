package dev.gatehouse.gateway.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.gatehouse.gateway.GatewayApplication;
import dev.gatehouse.gateway.support.TestCertificates;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS on the public port from a PEM SSL bundle: HTTP/2 by ALPN next to HTTP/1.1, HSTS,
 * the gateway's protocol and cipher floor, certificate rotation without a restart, the
 * plain-HTTP listener that only redirects, and a key that does not match its certificate.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.ssl.bundle=gateway", "spring.ssl.bundle.pem.gateway.reload-on-update=true",
				"spring.ssl.bundle.watch.file.quiet-period=100ms", "server.http2.enabled=true",
				"gatehouse.gateway.http-redirect-port=0" })
@ActiveProfiles("edge")
class TlsIT {

	private static final WireMockServer backend = new WireMockServer(options().dynamicPort());

	private static final Path directory;

	private static final TestCertificates.Pair first;

	private static final TestCertificates.Pair second;

	static {
		backend.start();
		try {
			directory = Files.createTempDirectory("gatehouse-tls");
			first = TestCertificates.generate(directory, "first");
			second = TestCertificates.generate(directory, "second");
			first.writeTo(directory.resolve("cert.pem"), directory.resolve("key.pem"));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Trusts both certificates, so a rotation is seen rather than refused. */
	private static final SSLContext trusting = TestCertificates.trusting(first.certificate(), second.certificate());

	@LocalServerPort
	int port;

	@Autowired
	HttpsRedirectListener redirects;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("gatehouse.test.backend-url", backend::baseUrl);
		registry.add("spring.ssl.bundle.pem.gateway.keystore.certificate",
				() -> directory.resolve("cert.pem").toUri().toString());
		registry.add("spring.ssl.bundle.pem.gateway.keystore.private-key",
				() -> directory.resolve("key.pem").toUri().toString());
	}

	@AfterAll
	static void stopBackend() {
		backend.stop();
	}

	@BeforeEach
	void resetBackend() {
		backend.resetAll();
		backend.stubFor(any(anyUrl()).willReturn(ok("from backend")));
	}

	@Test
	void aClientTrustingTheCertificateSpeaksHttp2OverTlsAndGetsHsts() throws Exception {
		for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
			HttpClient client = HttpClient.newBuilder().sslContext(trusting).version(version).build();
			HttpResponse<String> response = client.send(
					HttpRequest.newBuilder(URI.create("https://localhost:" + this.port + "/public/x")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(version.name()).isEqualTo(200);
			assertThat(response.version()).isEqualTo(version);
			assertThat(response.body()).isEqualTo("from backend");
			assertThat(response.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
		}
		assertThat(backend.getAllServeEvents()).hasSize(2);
		// the backend learns the client came over TLS
		assertThat(backend.getAllServeEvents().get(0).getRequest().getHeader("X-Forwarded-Proto")).isEqualTo("https");
	}

	@Test
	void onlyForwardSecretAeadCipherSuitesAreServed() throws IOException {
		assertThat(handshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")).isNotNull();
		assertThat(handshake("TLSv1.3", "TLS_AES_128_GCM_SHA256")).isNotNull();
		for (String weak : List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256")) {
			assertThatThrownBy(() -> handshake("TLSv1.2", weak)).as(weak).isInstanceOf(SSLHandshakeException.class);
		}
	}

	@Test
	void afterTheFilesAreReplacedNewConnectionsSeeTheNewCertificate() throws IOException {
		X509Certificate served = handshake("TLSv1.3", "TLS_AES_128_GCM_SHA256");
		TestCertificates.Pair next = served.equals(first.certificate()) ? second : first;
		next.writeTo(directory.resolve("cert.pem"), directory.resolve("key.pem"));
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> handshake("TLSv1.3", "TLS_AES_128_GCM_SHA256").equals(next.certificate()));
	}

	@Test
	void thePlainListenerOnlyRedirectsToHttps() throws IOException {
		String get = plain("GET /public/x?a=1 HTTP/1.1\r\nHost: gw.example:8080\r\nConnection: close\r\n\r\n");
		assertThat(get).startsWith("HTTP/1.1 301");
		assertThat(get).containsIgnoringCase("location: https://gw.example:" + this.port + "/public/x?a=1\r\n");
		String post = plain("POST /public/x HTTP/1.1\r\nHost: gw.example\r\nContent-Length: 0\r\n\r\n");
		assertThat(post).startsWith("HTTP/1.1 308");
		assertThat(post).containsIgnoringCase("location: https://gw.example:" + this.port + "/public/x\r\n");
		assertThat(plain("GET /public/x HTTP/1.1\r\nHost: evil\"<x>\r\nConnection: close\r\n\r\n"))
			.startsWith("HTTP/1.1 400");
		assertThat(backend.getAllServeEvents()).isEmpty();
	}

	@Test
	void aKeyThatDoesNotBelongToTheCertificateStopsStartUpNamingTheSetting() throws IOException {
		Path certificate = directory.resolve("mismatch-cert.pem");
		Path key = directory.resolve("mismatch-key.pem");
		Files.writeString(certificate, first.certificatePem());
		Files.writeString(key, second.keyPem());
		Map<String, String> properties = Map.of("server.ssl.bundle", "bad",
				"spring.ssl.bundle.pem.bad.keystore.certificate", certificate.toUri().toString(),
				"spring.ssl.bundle.pem.bad.keystore.private-key", key.toUri().toString(), "gatehouse.test.backend-url",
				backend.baseUrl());
		List<String> args = new java.util.ArrayList<>(
				List.of("--server.port=0", "--management.server.port=0", "--spring.profiles.active=edge"));
		properties.forEach((name, value) -> args.add("--" + name + "=" + value));
		assertThatThrownBy(
				() -> new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new)))
			.satisfies((failure) -> assertThat(messages(failure))
				.contains("spring.ssl.bundle.pem.bad.keystore.private-key: does not belong to the certificate"));
	}

	private X509Certificate handshake(String protocol, String cipher) throws IOException {
		try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", this.port)) {
			socket.setSoTimeout(5000);
			socket.setEnabledProtocols(new String[] { protocol });
			socket.setEnabledCipherSuites(new String[] { cipher });
			socket.startHandshake();
			return (X509Certificate) socket.getSession().getPeerCertificates()[0];
		}
	}

	private String plain(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.redirects.port())) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[4096];
			StringBuilder response = new StringBuilder();
			int read;
			while (!response.toString().contains("\r\n\r\n") && (read = in.read(buffer)) > 0) {
				response.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
			}
			return response.toString();
		}
	}

	private static String messages(Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			all.append(ex.getMessage()).append('\n');
		}
		return all.toString();
	}

}
