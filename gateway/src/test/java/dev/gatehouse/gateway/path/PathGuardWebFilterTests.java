package dev.gatehouse.gateway.path;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class PathGuardWebFilterTests {

	private final PathGuardWebFilter filter = new PathGuardWebFilter();

	@ParameterizedTest
	@ValueSource(strings = { "/api/../admin", "/api/..", "/..", "/api/./items", "/./api", "/api/%2e%2e/admin",
			"/api/%2E%2E/admin", "/api/.%2e/admin", "/api%2fadmin", "/api%2Fadmin", "/api%5cadmin", "/api%5Cadmin",
			"/api/%252e%252e/admin", "/api//admin", "//api", "/api;x=1", "/api/items;jsessionid=abc", "/api/%00",
			"/api/%0a", "/api/%0D%0A", "/api/%1f", "/api/%7f", "/api/%7F" })
	void refusesPathsThatCouldBeReadDifferentlyByTheBackend(String rawPath) {
		assertThat(PathGuardWebFilter.check(rawPath)).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/api/items", "/api/items/42", "/api/v1.2/items", "/api/file.tar.gz", "/api/..hidden",
			"/api/...", "/api/a%20b", "/api/caf%C3%A9", "/api/items/", "/api/~user", "/api/a-b_c" })
	void letsOrdinaryPathsThrough(String rawPath) {
		assertThat(PathGuardWebFilter.check(rawPath)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/%c0%ae%c0%ae/admin", "/api/%C0%AE", "/api/%e0%80%ae", "/api/%f0%80%80%ae",
			"/api/%80", "/api/%bf", "/api/a%80b", "/api/%ed%a0%80", "/api/%ed%bf%bf", "/api/%e2%82", "/api/%e2%82x",
			"/api/%c3", "/api/%f0%9f%98", "/api/%f4%90%80%80", "/api/%f8%88%80%80%80", "/api/%fe", "/api/%ff",
			"/api/%c3%c3%a9", "/api/%e2\u20ac", "/api/%zz", "/api/%4", "/api/%", "/api/caf\u00e9", "/api/\u00c0\u00ae",
			"/api/\u20ac" })
	void refusesPercentEncodedBytesThatAreNotStrictUtf8AndRawNonAscii(String rawPath) {
		assertThat(PathGuardWebFilter.check(rawPath)).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/caf%c3%a9", "/api/%E2%82%AC", "/api/%f0%9f%98%80", "/api/%ef%bf%bd", "/api/%7e",
			"/api/%41%42", "/api/%f4%8f%bf%bf", "/api/%ed%9f%bf" })
	void letsWellFormedUtf8Through(String rawPath) {
		assertThat(PathGuardWebFilter.check(rawPath)).isNull();
	}

	@Test
	void refusesBackslashAndControlCharactersInTheRawPath() {
		assertThat(PathGuardWebFilter.check("/api\\admin")).isNotNull();
		assertThat(PathGuardWebFilter.check("/api/\u0001")).isNotNull();
		assertThat(PathGuardWebFilter.check("/api/\u007f")).isNotNull();
	}

	@Test
	void errorsBeforeTheChainForARefusedPath() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.method(HttpMethod.GET, URI.create("http://localhost/api/%2e%2e/admin")));
		boolean[] called = { false };
		StepVerifier.create(this.filter.filter(exchange, ex -> {
			called[0] = true;
			return Mono.empty();
		})).expectError(PathRejectedException.class).verify();
		assertThat(called[0]).isFalse();
	}

	@Test
	void passesAnOrdinaryRequestOn() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("http://localhost/api/items"));
		boolean[] called = { false };
		StepVerifier.create(this.filter.filter(exchange, ex -> {
			called[0] = true;
			return Mono.empty();
		})).verifyComplete();
		assertThat(called[0]).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/%2e", "/api/%2E", "/api/%1F", "/api/%0b", "..", ".", "a/..", "/api/%25", "/%5C",
			"/api/x%2fy", "/api/%%2e" })
	void refusesEscapesAndDotSegmentsAtEitherEndAndInEitherCase(String rawPath) {
		assertThat(PathGuardWebFilter.check(rawPath)).isNotNull();
	}

	@Test
	void namesTheFirstProblemInTheSameOrderForEveryPath() {
		assertThat(PathGuardWebFilter.check("/a//b/../%2e;x")).isEqualTo("path parameter (;)");
		assertThat(PathGuardWebFilter.check("/a//b/../%2e")).isEqualTo("empty path segment (//)");
		assertThat(PathGuardWebFilter.check("/a/b/../%2e"))
			.isEqualTo("encoded dot, slash, backslash, percent or control character");
		assertThat(PathGuardWebFilter.check("/a/b/../%c0%ae")).isEqualTo("dot segment");
		assertThat(PathGuardWebFilter.check("/a/b/%c0%ae")).isEqualTo("percent-encoded bytes that are not valid UTF-8");
	}

	/**
	 * The checks were a regular expression and {@code split}; they are now one pass over
	 * the path. Both must refuse exactly the same paths, for the same reason.
	 */
	@Test
	void refusesExactlyWhatTheRegularExpressionChecksRefused() {
		char[] alphabet = "/.%25efEFcC017a;b".toCharArray();
		java.util.Random random = new java.util.Random(42);
		for (int n = 0; n < 200_000; n++) {
			char[] path = new char[1 + random.nextInt(12)];
			for (int i = 0; i < path.length; i++) {
				path[i] = alphabet[random.nextInt(alphabet.length)];
			}
			String rawPath = new String(path);
			assertThat(PathGuardWebFilter.check(rawPath)).as(rawPath).isEqualTo(previousCheck(rawPath));
		}
	}

	/** The previous implementation, as the reference. */
	private static String previousCheck(String rawPath) {
		for (int i = 0; i < rawPath.length(); i++) {
			char c = rawPath.charAt(i);
			if (c == ';') {
				return "path parameter (;)";
			}
		}
		if (rawPath.contains("//")) {
			return "empty path segment (//)";
		}
		if (java.util.regex.Pattern.compile("%(2e|2f|5c|25|[01][0-9a-f]|7f)")
			.matcher(rawPath.toLowerCase(java.util.Locale.ROOT))
			.find()) {
			return "encoded dot, slash, backslash, percent or control character";
		}
		for (String segment : rawPath.split("/", -1)) {
			if (segment.equals(".") || segment.equals("..")) {
				return "dot segment";
			}
		}
		return (rawPath.indexOf('%') >= 0) ? PathGuardWebFilter.utf8Problem(rawPath) : null;
	}

}
