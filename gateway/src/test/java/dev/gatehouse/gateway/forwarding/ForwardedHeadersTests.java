package dev.gatehouse.gateway.forwarding;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardedHeadersTests {

	@Test
	void aNameIsHeldOnceWhateverItsCasingAndIteratedOnce() {
		HttpHeaders headers = new ForwardedHeaders();
		headers.add("X-Tenant", "a");
		headers.add("x-tenant", "b");
		headers.set("Accept", "application/json");
		List<String> seen = new ArrayList<>();
		headers.forEach((name, values) -> seen.add(name + "=" + values));
		assertThat(seen).containsExactly("X-Tenant=[a, b]", "Accept=[application/json]");
		assertThat(headers.headerSet()).hasSize(2);
		assertThat(headers.headerNames()).containsExactly("X-Tenant", "Accept");
	}

	@Test
	void itsNamesAreLookedUpIgnoringCase() {
		HttpHeaders headers = new ForwardedHeaders();
		headers.set("X-Request-Id", "r1");
		assertThat(headers.headerNames().contains("x-request-id")).isTrue();
		assertThat(headers.getFirst("X-REQUEST-ID")).isEqualTo("r1");
		headers.headerNames().remove("x-request-id");
		assertThat(headers.isEmpty()).isTrue();
	}

	@Test
	void copyingItIntoOtherHeadersCarriesEveryValue() {
		HttpHeaders headers = new ForwardedHeaders();
		headers.add("Via", "1.1 a");
		headers.add("via", "1.1 b");
		HttpHeaders copy = new HttpHeaders();
		copy.addAll(headers);
		assertThat(copy.get("VIA")).containsExactly("1.1 a", "1.1 b");
	}

	@Test
	void aViewOfHeadersWithDistinctNamesIteratesTheirOwnMapAndCopiesEveryValue() {
		HttpHeaders response = new HttpHeaders();
		response.add("Content-Type", "application/json");
		response.add("set-cookie", "a=1");
		response.add("Set-Cookie", "b=2");
		HttpHeaders view = ForwardedHeaders.viewOf(response);
		assertThat(view).isInstanceOf(ForwardedHeaders.class);
		assertThat(view.asMultiValueMap()).isSameAs(response.asMultiValueMap());
		assertThat(view.headerNames()).containsExactly("Content-Type", "set-cookie");
		HttpHeaders copy = new HttpHeaders();
		copy.addAll(view);
		assertThat(copy.get("SET-COOKIE")).containsExactly("a=1", "b=2");
		assertThat(ForwardedHeaders.viewOf(view)).isSameAs(view);
	}

	@Test
	void headersWithOneNameInSeveralCasingsOrVeryManyNamesAreNotViewed() {
		HttpHeaders twice = new HttpHeaders(new org.springframework.util.LinkedMultiValueMap<>());
		twice.add("Via", "1.1 a");
		twice.add("via", "1.1 b");
		assertThat(ForwardedHeaders.viewOf(twice)).isSameAs(twice);
		HttpHeaders many = new HttpHeaders();
		for (int i = 0; i < 65; i++) {
			many.add("X-" + i, "v");
		}
		assertThat(ForwardedHeaders.viewOf(many)).isSameAs(many);
	}

}
