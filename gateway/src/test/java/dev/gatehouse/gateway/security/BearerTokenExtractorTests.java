package dev.gatehouse.gateway.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BearerTokenExtractorTests {

	private final BearerTokenExtractor extractor = new BearerTokenExtractor();

	@ParameterizedTest
	@ValueSource(strings = { "Bearer", "bearer", "BEARER", "bEaReR" })
	void acceptsTheSchemeInAnyCasing(String scheme) {
		MockServerHttpRequest request = MockServerHttpRequest.get("/")
			.header(HttpHeaders.AUTHORIZATION, scheme + " abc.def.ghi")
			.build();
		assertThat(this.extractor.extract(request)).isEqualTo("abc.def.ghi");
	}

	@Test
	void ignoresTokensInQueryAndCookie() {
		MockServerHttpRequest request = MockServerHttpRequest.get("/?access_token=abc.def.ghi")
			.cookie(new HttpCookie("access_token", "abc.def.ghi"))
			.build();
		assertThat(this.extractor.extract(request)).isNull();
	}

	@Test
	void treatsAnotherSchemeAsNoBearerToken() {
		MockServerHttpRequest request = MockServerHttpRequest.get("/")
			.header(HttpHeaders.AUTHORIZATION, "Basic dXNlcjpwYXNz")
			.build();
		assertThat(this.extractor.extract(request)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Bearer ", "Bearer  abc", "Bearer abc def", "Bearer abc,def", "Bearer a\"b", "Bearer=abc",
			"Bearerabc.def", "Bearer ==", "Bearer abc=def", "Bearer abc ", "Bearer abc\n", "Bearer\tabc",
			"Bearer ab\u00e9" })
	void rejectsMalformedBearerCredentials(String value) {
		MockServerHttpRequest request = MockServerHttpRequest.get("/").header(HttpHeaders.AUTHORIZATION, value).build();
		assertThatThrownBy(() -> this.extractor.extract(request)).isInstanceOf(TokenRejectedException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "a", "abc.DEF-ghi_jkl~mno+pqr/stu", "abc==", "a.b.c=" })
	void acceptsEveryB64TokenCharacterAndTrailingPadding(String token) {
		MockServerHttpRequest request = MockServerHttpRequest.get("/")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.build();
		assertThat(this.extractor.extract(request)).isEqualTo(token);
	}

	@Test
	void rejectsMoreThanOneAuthorizationHeader() {
		MockServerHttpRequest request = MockServerHttpRequest.get("/")
			.header(HttpHeaders.AUTHORIZATION, "Bearer a.b.c", "Bearer d.e.f")
			.build();
		assertThatThrownBy(() -> this.extractor.extract(request)).isInstanceOf(InvalidBearerRequestException.class);
	}

}
