package dev.gatehouse.auth.token;

import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.keys.SigningKeys;
import dev.gatehouse.auth.support.DpopProofs;
import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** {@code /token} with DPoP proofs (RFC 9449 §5), each grant, and refresh binding. */
class DpopTokenEndpointTests extends MockMvcTestSupport {

	/** The URL MockMvc's requests arrive at (no public token URL in the test profile). */
	private static final String TOKEN_URL = "http://localhost/token";

	@Autowired
	SigningKeys keys;

	@Autowired
	JdbcClient jdbc;

	@Test
	void passwordGrantWithAProofIssuesADpopTokenBoundToTheProofKey() throws Exception {
		KeyPair key = DpopProofs.ec();
		String user = this.users.create(uniqueName("dpa"), "user");
		Map<String, Object> tokens = ok(password(user).header("DPoP", proof(key)));
		assertThat(tokens.get("token_type")).isEqualTo("DPoP");
		assertThat(tokens.get("refresh_token")).isNotNull();
		assertThat(claims(tokens).get("cnf", Map.class)).isEqualTo(Map.of("jkt", DpopProofs.thumbprint(key)));
	}

	@Test
	void passwordGrantWithoutAProofIssuesABearerTokenWithoutCnf() throws Exception {
		String user = this.users.create(uniqueName("dpb"), "user");
		Map<String, Object> tokens = ok(password(user));
		assertThat(tokens.get("token_type")).isEqualTo("Bearer");
		assertThat(claims(tokens).get("cnf")).isNull();
	}

	@Test
	void clientCredentialsGrantWithAProofIssuesADpopToken() throws Exception {
		KeyPair key = DpopProofs.ed25519();
		String proof = DpopProofs.proof(key, Jwts.SIG.EdDSA, "POST", TOKEN_URL, this.clock.instant(), null);
		Map<String, Object> tokens = ok(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.header(HttpHeaders.AUTHORIZATION, TokenEndpointTests.basic("reports-service", "reports-secret"))
			.header("DPoP", proof)
			.param("grant_type", "client_credentials"));
		assertThat(tokens.get("token_type")).isEqualTo("DPoP");
		assertThat(claims(tokens).get("cnf", Map.class)).isEqualTo(Map.of("jkt", DpopProofs.thumbprint(key)));
	}

	@Test
	void refreshWithAProofOfTheSameKeyRotatesAndKeepsTheBinding() throws Exception {
		KeyPair key = DpopProofs.rsa();
		String user = this.users.create(uniqueName("dpc"), "user");
		Map<String, Object> login = ok(password(user).header("DPoP", proof(key)));
		Map<String, Object> refreshed = ok(refreshRequest(login).header("DPoP", proof(key)));
		assertThat(refreshed.get("token_type")).isEqualTo("DPoP");
		assertThat(refreshed.get("refresh_token")).isNotEqualTo(login.get("refresh_token"));
		assertThat(claims(refreshed).get("cnf", Map.class)).isEqualTo(Map.of("jkt", DpopProofs.thumbprint(key)));
		// the successor is bound too
		refused(refreshRequest(refreshed), "invalid_dpop_proof");
		ok(refreshRequest(refreshed).header("DPoP", proof(key)));
	}

	@Test
	void refreshWithAProofOfAnotherKeyIsRefusedAndTheSessionIsUntouched() throws Exception {
		KeyPair key = DpopProofs.ec();
		String user = this.users.create(uniqueName("dpd"), "user");
		Map<String, Object> login = ok(password(user).header("DPoP", proof(key)));
		refused(refreshRequest(login).header("DPoP", proof(DpopProofs.ec())), "invalid_dpop_proof");
		assertThat(sessionRevoked(login)).isFalse();
		// not spent: the holder of the key refreshes the same token
		ok(refreshRequest(login).header("DPoP", proof(key)));
	}

	@Test
	void aStolenSpentRefreshTokenWithoutTheKeyIsRefusedWithoutRevokingTheSession() throws Exception {
		KeyPair key = DpopProofs.ec();
		String user = this.users.create(uniqueName("dpe"), "user");
		Map<String, Object> login = ok(password(user).header("DPoP", proof(key)));
		Map<String, Object> refreshed = ok(refreshRequest(login).header("DPoP", proof(key)));
		this.clock.advance(Duration.ofSeconds(3));
		// past the reuse grace window: an unbound token would revoke the session here
		refused(refreshRequest(login), "invalid_dpop_proof");
		assertThat(sessionRevoked(login)).isFalse();
		ok(refreshRequest(refreshed).header("DPoP", proof(key)));
	}

	@Test
	void refreshOfAnUnboundSessionWithAProofBindsIt() throws Exception {
		KeyPair key = DpopProofs.ec();
		String user = this.users.create(uniqueName("dpf"), "user");
		Map<String, Object> login = ok(password(user));
		Map<String, Object> refreshed = ok(refreshRequest(login).header("DPoP", proof(key)));
		assertThat(refreshed.get("token_type")).isEqualTo("DPoP");
		refused(refreshRequest(refreshed), "invalid_dpop_proof");
		refused(refreshRequest(refreshed).header("DPoP", proof(DpopProofs.ec())), "invalid_dpop_proof");
	}

	@Test
	void twoDpopHeadersAreRefused() throws Exception {
		KeyPair key = DpopProofs.ec();
		String user = this.users.create(uniqueName("dpg"), "user");
		refused(password(user).header("DPoP", proof(key), proof(key)), "invalid_dpop_proof");
	}

	@Test
	void aMalformedDpopHeaderIsRefused() throws Exception {
		String user = this.users.create(uniqueName("dph"), "user");
		this.mvc.perform(password(user).header("DPoP", "not-a-proof"))
			.andExpect(status().isBadRequest())
			.andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
			.andExpect(jsonPath("$.error").value("invalid_dpop_proof"))
			.andExpect(jsonPath("$.error_description").value("The DPoP proof is not a compact JWS"))
			.andExpect(jsonPath("$.access_token").doesNotExist());
	}

	@Test
	void aReplayedProofIsRefused() throws Exception {
		KeyPair key = DpopProofs.ec();
		String user = this.users.create(uniqueName("dpi"), "user");
		String proof = proof(key);
		ok(password(user).header("DPoP", proof));
		refused(password(user).header("DPoP", proof), "invalid_dpop_proof");
	}

	@Test
	void aProofForTheGatewayUrlIsRefusedWhenNoPublicTokenUrlSaysSo() throws Exception {
		String user = this.users.create(uniqueName("dpj"), "user");
		String proof = DpopProofs.proof(DpopProofs.ec(), "https://gateway.example/auth/token", this.clock.instant());
		refused(password(user).header("DPoP", proof), "invalid_dpop_proof");
	}

	@Test
	void metadataListsTheDpopSigningAlgorithms() throws Exception {
		this.mvc.perform(get("/.well-known/oauth-authorization-server"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.dpop_signing_alg_values_supported[0]").value("RS256"))
			.andExpect(jsonPath("$.dpop_signing_alg_values_supported[1]").value("PS256"))
			.andExpect(jsonPath("$.dpop_signing_alg_values_supported[2]").value("ES256"))
			.andExpect(jsonPath("$.dpop_signing_alg_values_supported[3]").value("EdDSA"));
	}

	private String proof(KeyPair key) {
		return DpopProofs.proof(key, (key.getPublic().getAlgorithm().equals("RSA")) ? Jwts.SIG.RS256 : Jwts.SIG.ES256,
				"POST", TOKEN_URL, this.clock.instant(), null);
	}

	private static MockHttpServletRequestBuilder password(String user) {
		return post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.param("grant_type", "password")
			.param("username", user)
			.param("password", TestUsers.PASSWORD);
	}

	private static MockHttpServletRequestBuilder refreshRequest(Map<String, Object> tokens) {
		return post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.param("grant_type", "refresh_token")
			.param("refresh_token", (String) tokens.get("refresh_token"));
	}

	private Map<String, Object> ok(MockHttpServletRequestBuilder request) throws Exception {
		String body = this.mvc.perform(request)
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		return JsonPath.read(body, "$");
	}

	private void refused(MockHttpServletRequestBuilder request, String error) throws Exception {
		this.mvc.perform(request)
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value(error))
			.andExpect(jsonPath("$.access_token").doesNotExist());
	}

	private Claims claims(Map<String, Object> tokens) {
		return Jwts.parser()
			.verifyWith(this.keys.active().publicKey())
			.clock(() -> java.util.Date.from(this.clock.instant()))
			.build()
			.parseSignedClaims((String) tokens.get("access_token"))
			.getPayload();
	}

	private boolean sessionRevoked(Map<String, Object> tokens) {
		return this.jdbc
			.sql("select count(*) from refresh_families f join refresh_tokens t on t.family_id = f.id"
					+ " where t.token_hash = ? and f.revoked_at is not null")
			.param(RefreshTokens.hash((String) tokens.get("refresh_token")))
			.query(Long.class)
			.single() > 0;
	}

}
