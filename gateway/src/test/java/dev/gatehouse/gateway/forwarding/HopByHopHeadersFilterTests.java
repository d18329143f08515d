package dev.gatehouse.gateway.forwarding;

import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter.Type;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.LinkedMultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

class HopByHopHeadersFilterTests {

	private final MockServerWebExchange exchange = MockServerWebExchange
		.from(MockServerHttpRequest.get("http://gw.test/api"));

	private static HttpHeaders backendResponse() {
		HttpHeaders headers = new HttpHeaders();
		headers.add(HttpHeaders.CONNECTION, "keep-alive, X-Backend-Hop");
		headers.add("Keep-Alive", "timeout=5");
		headers.add("x-backend-hop", "1");
		headers.add("Transfer-Encoding", "chunked");
		headers.add(HttpHeaders.CONTENT_TYPE, "application/json");
		headers.add("X-Backend", "kept");
		return headers;
	}

	@Test
	void aResponsesHopByHopHeadersAreRemovedFromTheCopyTheGatewayAlreadyMade() {
		HttpHeaders input = backendResponse();
		HttpHeaders out = new HopByHopHeadersFilter().filter(input, this.exchange);
		// the same headers, not a copy, iterated without a de-duplicated set of names
		assertThat(out).isInstanceOf(ForwardedHeaders.class);
		assertThat(out.asMultiValueMap()).isSameAs(input.asMultiValueMap());
		assertThat(out.headerNames()).containsExactlyInAnyOrder(HttpHeaders.CONTENT_TYPE, "X-Backend");
		assertThat(out.get("X-Backend")).containsExactly("kept");
	}

	@Test
	void headersItCannotChangeAreCopiedWithoutTheHopByHopOnes() {
		HttpHeaders input = HttpHeaders.readOnlyHttpHeaders(backendResponse());
		HttpHeaders out = new HopByHopHeadersFilter().filter(input, this.exchange);
		assertThat(out).isNotSameAs(input);
		assertThat(out.headerNames()).containsExactlyInAnyOrder(HttpHeaders.CONTENT_TYPE, "X-Backend");
		assertThat(input.containsHeader(HttpHeaders.CONNECTION)).isTrue();
	}

	@Test
	void aResponseWithoutHopByHopHeadersIsPassedOnAsItIs() {
		HttpHeaders input = new HttpHeaders();
		input.add(HttpHeaders.CONTENT_TYPE, "application/json");
		HttpHeaders out = new HopByHopHeadersFilter().filter(input, this.exchange);
		assertThat(out.asMultiValueMap()).isSameAs(input.asMultiValueMap());
		assertThat(out.get(HttpHeaders.CONTENT_TYPE)).containsExactly("application/json");
	}

	@Test
	void headersHoldingOneNameInTwoCasingsAreHandedOnAsTheyAre() {
		// as headers backed by a server's may: their names are de-duplicated when read
		HttpHeaders input = new HttpHeaders(new LinkedMultiValueMap<>());
		input.add("X-Backend", "a");
		input.add("x-backend", "b");
		HttpHeaders out = new HopByHopHeadersFilter().filter(input, this.exchange);
		assertThat(out).isSameAs(input);
		assertThat(out.headerNames()).hasSize(1);
	}

	@Test
	void theConfiguredSetIsTheOneRemovedFromResponses() {
		HopByHopHeadersFilter filter = new HopByHopHeadersFilter();
		filter.setHeaders(Set.of("X-Internal-Hop"));
		HttpHeaders input = new HttpHeaders();
		input.add("x-internal-hop", "1");
		input.add("Keep-Alive", "timeout=5");
		HttpHeaders out = filter.filter(input, this.exchange);
		assertThat(out.containsHeader("X-Internal-Hop")).isFalse();
		assertThat(out.get("Keep-Alive")).containsExactly("timeout=5");
	}

	@Test
	void requestsAreLeftToTheIdentityHeadersFilter() {
		HopByHopHeadersFilter filter = new HopByHopHeadersFilter();
		assertThat(filter.supports(Type.REQUEST)).isFalse();
		assertThat(filter.supports(Type.RESPONSE)).isTrue();
	}

}
