package dev.gatehouse.auth.keys;

import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;

import org.springframework.http.HttpHeaders;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class KeysEndpointsTests extends MockMvcTestSupport {

	@Test
	void jwksPublishesActiveAndVerificationKeysAndOnlyPublicParts() throws Exception {
		this.mvc.perform(get("/.well-known/jwks.json"))
			.andExpect(status().isOk())
			.andExpect(header().string(HttpHeaders.CACHE_CONTROL, containsString("max-age=300")))
			.andExpect(jsonPath("$.keys", hasSize(2)))
			.andExpect(jsonPath("$.keys[0].kty").value("RSA"))
			.andExpect(jsonPath("$.keys[0].alg").value("RS256"))
			.andExpect(jsonPath("$.keys[0].use").value("sig"))
			.andExpect(jsonPath("$.keys[0].kid").isString())
			.andExpect(jsonPath("$.keys[0].n").isString())
			.andExpect(jsonPath("$.keys[0].d").doesNotExist())
			.andExpect(jsonPath("$.keys[1].d").doesNotExist())
			.andExpect(content().string(not(containsString("\"p\""))));
	}

	@Test
	void metadataNamesTheEndpoints() throws Exception {
		this.mvc.perform(get("/.well-known/oauth-authorization-server"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.issuer").value("http://auth.test"))
			.andExpect(jsonPath("$.token_endpoint").value("http://auth.test/token"))
			.andExpect(jsonPath("$.jwks_uri").value("http://auth.test/.well-known/jwks.json"))
			.andExpect(jsonPath("$.revocation_endpoint").value("http://auth.test/revoke"));
	}

	@Test
	void swaggerUiAndOpenApiAreServed() throws Exception {
		this.mvc.perform(get("/v3/api-docs"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.paths['/token']").exists());
		this.mvc.perform(get("/docs")).andExpect(status().is3xxRedirection());
	}

	@Test
	void unknownPathIsAProblemDetail() throws Exception {
		this.mvc.perform(get("/nope"))
			.andExpect(status().isNotFound())
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, "application/problem+json"));
	}

}
