package dev.gatehouse.auth.bearer;

import java.security.KeyPair;

import com.jayway.jsonpath.JsonPath;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.DpopProofs;
import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The service's own API with DPoP-bound tokens (RFC 9449 §7): {@code Authorization: DPoP}
 * and a proof for the very request, never as {@code Bearer}.
 */
class DpopApiTests extends MockMvcTestSupport {

	private static final String ME = "http://localhost/users/me";

	@Test
	void aBoundTokenWithAProofOfItsKeyReadsTheCaller() throws Exception {
		KeyPair key = DpopProofs.ec();
		String user = this.users.create(uniqueName("dra"), "user");
		String token = login(user, key);
		this.mvc
			.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, "DPoP " + token)
				.header("DPoP", proof(key, "GET", ME, token)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.username").value(user));
	}

	@Test
	void aBoundTokenSentAsBearerIsRefusedWithADpopChallenge() throws Exception {
		KeyPair key = DpopProofs.ec();
		String token = login(this.users.create(uniqueName("drb"), "user"), key);
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, startsWith("DPoP error=\"invalid_token\"")))
			.andExpect(jsonPath("$.type").value("urn:gatehouse:problem:dpop-required"));
	}

	@Test
	void aBoundTokenWithoutAProofOrWithAProofOfAnotherKeyOrTokenIsRefused() throws Exception {
		KeyPair key = DpopProofs.ec();
		String user = this.users.create(uniqueName("drc"), "user");
		String token = login(user, key);
		String otherToken = login(user, key);
		refused(get("/users/me").header(HttpHeaders.AUTHORIZATION, "DPoP " + token), "A DPoP proof is required");
		refused(get("/users/me").header(HttpHeaders.AUTHORIZATION, "DPoP " + token)
			.header("DPoP", proof(DpopProofs.ec(), "GET", ME, token)),
				"The DPoP proof's key is not the key the access token is bound to");
		refused(get("/users/me").header(HttpHeaders.AUTHORIZATION, "DPoP " + token)
			.header("DPoP", proof(key, "GET", ME, otherToken)),
				"The DPoP proof's ath is not the hash of the access token");
		refused(get("/users/me").header(HttpHeaders.AUTHORIZATION, "DPoP " + token)
			.header("DPoP", proof(key, "POST", ME, token)), "The DPoP proof is for another HTTP method");
	}

	@Test
	void aReplayedProofIsRefused() throws Exception {
		KeyPair key = DpopProofs.ec();
		String token = login(this.users.create(uniqueName("drd"), "user"), key);
		String proof = proof(key, "GET", ME, token);
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, "DPoP " + token).header("DPoP", proof))
			.andExpect(status().isOk());
		refused(get("/users/me").header(HttpHeaders.AUTHORIZATION, "DPoP " + token).header("DPoP", proof),
				"The DPoP proof was used before");
	}

	@Test
	void anUnboundTokenSentAsDpopIsRefused() throws Exception {
		String user = this.users.create(uniqueName("dre"), "user");
		String token = (String) login(user, TestUsers.PASSWORD).get("access_token");
		this.mvc
			.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, "DPoP " + token)
				.header("DPoP", proof(DpopProofs.ec(), "GET", ME, token)))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, startsWith("DPoP error=\"invalid_token\"")))
			.andExpect(jsonPath("$.type").value("urn:gatehouse:problem:invalid-token"));
	}

	@Test
	void behindTheGatewayTheProofNamesTheUrlTheBrowserUsed() throws Exception {
		KeyPair key = DpopProofs.ec();
		String token = login(this.users.create(uniqueName("drf"), "user"), key);
		this.mvc.perform(get("/users/me").with((request) -> {
			request.setRemoteAddr("10.0.0.1");
			return request;
		})
			.header("X-Forwarded-Proto", "http")
			.header("X-Forwarded-Host", "localhost:8080")
			.header("X-Forwarded-Prefix", "/auth")
			.header(HttpHeaders.AUTHORIZATION, "DPoP " + token)
			.header("DPoP", proof(key, "GET", "http://localhost:8080/auth/users/me", token)))
			.andExpect(status().isOk());
	}

	@Test
	void aStolenBoundTokenSentAsBearerCannotLogItsOwnerOut() throws Exception {
		KeyPair key = DpopProofs.ec();
		String token = login(this.users.create(uniqueName("drg"), "user"), key);
		this.mvc.perform(post("/logout").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
			.andExpect(status().isUnauthorized());
		this.mvc
			.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, "DPoP " + token)
				.header("DPoP", proof(key, "GET", ME, token)))
			.andExpect(status().isOk());
		this.mvc
			.perform(post("/logout").header(HttpHeaders.AUTHORIZATION, "DPoP " + token)
				.header("DPoP", proof(key, "POST", "http://localhost/logout", token)))
			.andExpect(status().isNoContent());
		this.mvc
			.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, "DPoP " + token)
				.header("DPoP", proof(key, "GET", ME, token)))
			.andExpect(status().isUnauthorized());
	}

	private String login(String user, KeyPair key) throws Exception {
		String body = this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.header("DPoP", proof(key, "POST", "http://localhost/token", null))
				.param("grant_type", "password")
				.param("username", user)
				.param("password", TestUsers.PASSWORD))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		return JsonPath.read(body, "$.access_token");
	}

	private String proof(KeyPair key, String method, String url, String accessToken) {
		return DpopProofs.proof(key, Jwts.SIG.ES256, method, url, this.clock.instant(), null, accessToken);
	}

	private void refused(MockHttpServletRequestBuilder request, String reason) throws Exception {
		this.mvc.perform(request)
			.andExpect(status().isUnauthorized())
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE,
					startsWith("DPoP error=\"invalid_dpop_proof\", error_description=\"" + reason + "\"")))
			.andExpect(jsonPath("$.type").value("urn:gatehouse:problem:invalid-dpop-proof"))
			.andExpect(jsonPath("$.detail").value(reason));
	}

}
