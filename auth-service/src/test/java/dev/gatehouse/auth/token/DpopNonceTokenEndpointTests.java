package dev.gatehouse.auth.token;

import java.security.KeyPair;

import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.DpopProofs;
import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Server nonces (RFC 9449 §8) at {@code /token}. */
@TestPropertySource(properties = { "gatehouse.auth.dpop.nonce.enabled=true",
		"gatehouse.auth.dpop.nonce.secret=test nonce secret of at least 32 chars" })
class DpopNonceTokenEndpointTests extends MockMvcTestSupport {

	@Test
	void aProofWithoutTheNonceIsAskedForItAndTheRetryIsAnsweredWithTheNextNonce() throws Exception {
		KeyPair key = DpopProofs.ec();
		String user = this.users.create(uniqueName("dpn"), "user");
		String nonce = this.mvc.perform(password(user).header("DPoP", proof(key, null)))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("use_dpop_nonce"))
			.andExpect(header().exists("DPoP-Nonce"))
			.andReturn()
			.getResponse()
			.getHeader("DPoP-Nonce");
		this.mvc.perform(password(user).header("DPoP", proof(key, nonce)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.token_type").value("DPoP"))
			.andExpect(header().exists("DPoP-Nonce"));
	}

	@Test
	void aRequestWithoutAProofNeedsNoNonce() throws Exception {
		String user = this.users.create(uniqueName("dpo"), "user");
		this.mvc.perform(password(user))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.token_type").value("Bearer"))
			.andExpect(header().doesNotExist("DPoP-Nonce"));
	}

	private String proof(KeyPair key, String nonce) {
		return DpopProofs.proof(key, Jwts.SIG.ES256, "POST", "http://localhost/token", this.clock.instant(), nonce);
	}

	private static MockHttpServletRequestBuilder password(String user) {
		return post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.param("grant_type", "password")
			.param("username", user)
			.param("password", TestUsers.PASSWORD);
	}

}
