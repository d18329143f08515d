package dev.gatehouse.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo backend's stubs, loaded from the classpath exactly as the launcher loads them,
 * on a random port.
 */
class DemoBackendTests {

	private static WireMockServer backend;

	private static final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		backend = DemoBackend.create(0);
		backend.start();
	}

	@AfterAll
	static void stop() {
		backend.stop();
	}

	@Test
	void itemsWhenSubjectIsJohndoeThenEveryItemIsOwnedByJohndoe() throws Exception {
		HttpResponse<String> response = get("/api/items", "X-Auth-Subject", "johndoe");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(response.body()).startsWith("[").contains("\"owner\":\"johndoe\"").doesNotContain("alice");
	}

	@Test
	void itemsWhenSubjectIsAliceThenAliceGetsHerOwnItems() throws Exception {
		HttpResponse<String> response = get("/api/items", "X-Auth-Subject", "alice");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("Pocket watch").contains("\"owner\":\"alice\"").doesNotContain("johndoe");
	}

	@Test
	void itemsWhenSubjectNeedsEscapingThenTheBodyStaysValidJson() throws Exception {
		HttpResponse<String> response = get("/api/items", "X-Auth-Subject", "we\"ird");

		assertThat(response.body()).contains("\"owner\":\"we\\\"ird\"");
	}

	@Test
	void echoReturnsMethodPathQueryAndEveryHeader() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(uri("/api/echo/some/thing?color=blue&color=red&size=9"))
			.header("X-Auth-Subject", "johndoe")
			.header("X-Request-Id", "req-1")
			.POST(HttpRequest.BodyPublishers.ofString("ignored"))
			.build();

		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		String body = response.body().replaceAll("\\s", "");
		assertThat(body).startsWith("{\"method\":\"POST\",\"path\":\"/api/echo/some/thing\"")
			.contains("\"query\":{\"color\":[\"blue\",\"red\"],\"size\":\"9\"}")
			.containsIgnoringCase("\"X-Auth-Subject\":\"johndoe\"")
			.containsIgnoringCase("\"X-Request-Id\":\"req-1\"");
	}

	@Test
	void echoAnswersOnPublicAndLimitedToo() throws Exception {
		assertThat(get("/public/hello").body()).contains("\"path\":\"/public/hello\"");
		assertThat(get("/public").body()).contains("\"path\":\"/public\"");
		assertThat(get("/api/limited/x").body()).contains("\"path\":\"/api/limited/x\"");
	}

	@Test
	void adminDashboardGreetsTheCaller() throws Exception {
		HttpResponse<String> response = get("/admin/dashboard", "X-Auth-Subject", "alice");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(response.body()).contains("Welcome to the admin dashboard").contains("\"user\":\"alice\"");
	}

	@Test
	void appServesHtmlScriptAndStyleWithTheirContentTypes() throws Exception {
		HttpResponse<String> index = get("/app/index.html");
		assertThat(index.statusCode()).isEqualTo(200);
		assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
		assertThat(index.body()).contains("id=\"login-form\"").contains("<script src=\"app.js\" defer></script>");

		assertThat(get("/app/").body()).isEqualTo(index.body());

		HttpResponse<String> script = get("/app/app.js");
		assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
		assertThat(script.body()).contains("X-Token-Delivery");

		assertThat(get("/app/app.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
	}

	@Test
	void appPageHasNoInlineScriptOrEventHandler() throws Exception {
		String html = get("/app/index.html").body();

		assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)")
			.doesNotContainPattern("\\son[a-z]+=")
			.doesNotContain("style=");
		assertThat(get("/app/app.js").body()).doesNotContain("localStorage")
			.doesNotContain("sessionStorage")
			.doesNotContain("document.cookie");
	}

	@Test
	void appWithoutSlashRedirectsToTheSlashedPath() throws Exception {
		HttpResponse<String> response = get("/app");

		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location")).hasValue("/app/");
	}

	@Test
	void adminApiIsRefusedSoNobodyCanPlantStubs() throws Exception {
		for (String proto : List.of("http", "https")) {
			HttpRequest plant = HttpRequest.newBuilder(uri("/__admin/mappings"))
				.header("X-Forwarded-Proto", proto)
				.header("Forwarded", "proto=" + proto)
				.POST(HttpRequest.BodyPublishers
					.ofString("{\"request\":{\"url\":\"/app/evil.js\"},\"response\":{\"body\":\"alert(1)\"}}"))
				.build();
			assertThat(http.send(plant, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
		}
		assertThat(get("/__admin/mappings").statusCode()).isEqualTo(403);
		assertThat(get("/__admin/health").statusCode()).isEqualTo(403);
		assertThat(get("/app/evil.js").statusCode()).isEqualTo(404);
	}

	@Test
	void unknownPathIsNotFound() throws Exception {
		assertThat(get("/nothing/here").statusCode()).isEqualTo(404);
	}

	private static HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
		if (headers.length > 0) {
			request.headers(headers);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:" + backend.port() + path);
	}

}
