package dev.gatehouse.auth;

import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The API documentation, directly and behind the gateway (which strips {@code /auth} and
 * says so).
 */
class ApiDocsTests extends MockMvcTestSupport {

	/** The test profile trusts 10.0.0.1 as its proxy. */
	private static final String GATEWAY = "10.0.0.1";

	@Test
	void behindTheGatewayTheDocsRedirectKeepsThePrefix() throws Exception {
		this.mvc.perform(viaProxy(get("/docs"), GATEWAY))
			.andExpect(status().is3xxRedirection())
			.andExpect(header().string(HttpHeaders.LOCATION, containsString("/auth/swagger-ui/index.html")));
	}

	@Test
	void aPrefixFromAnUntrustedPeerIsIgnored() throws Exception {
		this.mvc.perform(viaProxy(get("/docs"), "198.51.100.1"))
			.andExpect(status().is3xxRedirection())
			.andExpect(header().string(HttpHeaders.LOCATION, not(containsString("/auth"))))
			.andExpect(header().string(HttpHeaders.LOCATION, not(containsString("gateway.example"))));
		this.mvc.perform(viaProxy(get("/v3/api-docs"), "198.51.100.1"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.servers[0].url").value("http://localhost"));
	}

	@Test
	void behindTheGatewayTheOpenApiServerUrlIsTheGatewaysPrefix() throws Exception {
		this.mvc.perform(viaProxy(get("/v3/api-docs"), GATEWAY))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.servers[0].url").value("https://gateway.example/auth"));
	}

	@Test
	void theOpenApiDocumentHasARealTitleAndVersion() throws Exception {
		this.mvc.perform(get("/v3/api-docs"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.info.title").value("Gatehouse auth-service"))
			.andExpect(jsonPath("$.info.version").value(matchesPattern("\\d+\\.\\d+\\.\\d+.*")))
			.andExpect(jsonPath("$.components.securitySchemes.bearer.scheme").value("bearer"));
	}

	@Test
	void anUnknownJsonFieldIsNamedButItsValueNeverEchoed() throws Exception {
		String admin = this.users.create(uniqueName("adm"), "user", "admin");
		String token = (String) login(admin, TestUsers.PASSWORD).get("access_token");
		this.mvc
			.perform(patch("/admin/users/" + admin).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"role\":[\"secret-looking-value\"]}"))
			.andExpect(status().isBadRequest())
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, startsWith("application/problem+json")))
			.andExpect(jsonPath("$.detail").value("Unknown field: role"))
			.andExpect(content().string(not(containsString("secret-looking-value"))));
		this.mvc
			.perform(patch("/admin/users/" + admin).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"disabled\":\"secret-looking-value\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value("Field disabled has the wrong type or shape"))
			.andExpect(content().string(not(containsString("secret-looking-value"))));
	}

	private static MockHttpServletRequestBuilder viaProxy(MockHttpServletRequestBuilder request, String peer) {
		return request.with((mock) -> {
			mock.setRemoteAddr(peer);
			return mock;
		})
			.header("X-Forwarded-For", "203.0.113.50")
			.header("X-Forwarded-Proto", "https")
			.header("X-Forwarded-Host", "gateway.example")
			.header("X-Forwarded-Prefix", "/auth");
	}

}
