package dev.gatehouse.auth;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.TestClockConfiguration;
import dev.gatehouse.auth.support.TestDatabase;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a platform Spring Boot detects (here a simulated Kubernetes) Boot would trust
 * {@code X-Forwarded-For} from any private or loopback peer by itself; the auth-service
 * keeps it off, so only {@code gatehouse.auth.trusted-proxies} decides. Real Tomcat,
 * since Boot's handling is a Tomcat valve.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.main.cloud-platform=kubernetes")
@ActiveProfiles("test")
@Import({ TestClockConfiguration.class, TestUsers.class })
class PlatformForwardedHeadersTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	TestUsers users;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.shared().forEach((key, value) -> registry.add(key, () -> value));
	}

	@Test
	void aSpoofedForwardedForFromAnUntrustedPeerDoesNotChangeTheThrottledAddress() throws Exception {
		String user = this.users.create("k8s-" + System.nanoTime() % 1_000_000, "user");
		for (int i = 0; i < 5; i++) {
			assertThat(login(user, "wrong password", "203.0.113." + i).statusCode()).isEqualTo(400);
		}
		// every attempt came from 127.0.0.1, whatever it claimed: the sixth is throttled,
		// right password or not
		assertThat(login(user, TestUsers.PASSWORD, "203.0.113.99").statusCode()).isEqualTo(429);
	}

	private HttpResponse<String> login(String user, String password, String forwardedFor) throws Exception {
		String body = "grant_type=password&username=" + user + "&password="
				+ URLEncoder.encode(password, StandardCharsets.UTF_8);
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/token"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("X-Forwarded-For", forwardedFor)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
