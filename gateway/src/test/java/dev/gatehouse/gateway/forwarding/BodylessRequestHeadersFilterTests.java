package dev.gatehouse.gateway.forwarding;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class BodylessRequestHeadersFilterTests {

	private final BodylessRequestHeadersFilter filter = new BodylessRequestHeadersFilter();

	private HttpHeaders forwarded(MockServerHttpRequest.BodyBuilder request) {
		MockServerWebExchange exchange = MockServerWebExchange.from(request.build());
		return this.filter.filter(exchange.getRequest().getHeaders(), exchange);
	}

	@Test
	void aRequestWithoutContentLengthOrTransferEncodingIsForwardedWithAnEmptyBody() {
		for (HttpMethod method : new HttpMethod[] { HttpMethod.OPTIONS, HttpMethod.POST, HttpMethod.PUT,
				HttpMethod.PATCH }) {
			HttpHeaders out = forwarded(
					MockServerHttpRequest.method(method, "http://gw.test/x").header("X-Other", "kept"));
			assertThat(out.getContentLength()).as(method.name()).isZero();
			assertThat(out.getFirst("X-Other")).isEqualTo("kept");
			assertThat(out.containsHeader(HttpHeaders.TRANSFER_ENCODING)).isFalse();
		}
	}

	@Test
	void requestsThatDeclareABodyAndGetHeadDeleteAreLeftAlone() {
		HttpHeaders chunked = forwarded(
				MockServerHttpRequest.post("http://gw.test/x").header(HttpHeaders.TRANSFER_ENCODING, "chunked"));
		assertThat(chunked.containsHeader(HttpHeaders.CONTENT_LENGTH)).isFalse();
		HttpHeaders sized = forwarded(MockServerHttpRequest.post("http://gw.test/x").contentLength(5));
		assertThat(sized.getContentLength()).isEqualTo(5);
		for (HttpMethod method : new HttpMethod[] { HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE }) {
			HttpHeaders out = forwarded(MockServerHttpRequest.method(method, "http://gw.test/x"));
			assertThat(out.containsHeader(HttpHeaders.CONTENT_LENGTH)).as(method.name()).isFalse();
		}
	}

}
