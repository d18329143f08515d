package dev.gatehouse.auth.token;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.keys.SigningKeys;
import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;
import dev.gatehouse.auth.user.UserService;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class TokenEndpointTests extends MockMvcTestSupport {

	@Autowired
	SigningKeys keys;

	@Autowired
	UserService userService;

	@Test
	void passwordGrantIssuesAccessAndRefreshTokenWithoutCaching() throws Exception {
		String user = this.users.create(uniqueName("ann"), "user", "admin");
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "password")
				.param("username", user)
				.param("password", TestUsers.PASSWORD))
			.andExpect(status().isOk())
			.andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
			.andExpect(jsonPath("$.token_type").value("Bearer"))
			.andExpect(jsonPath("$.expires_in").value(900))
			.andExpect(jsonPath("$.scope").value("profile items:read"))
			.andExpect(jsonPath("$.refresh_token").isString())
			.andExpect(jsonPath("$.access_token").isString());
	}

	@Test
	void accessTokenCarriesTheContractClaimsAndHeader() throws Exception {
		String user = this.users.create(uniqueName("ben"), "user", "admin");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		Jws<Claims> jws = Jwts.parser()
			.verifyWith(this.keys.active().publicKey())
			.clock(() -> java.util.Date.from(this.clock.instant()))
			.build()
			.parseSignedClaims((String) tokens.get("access_token"));
		assertThat(jws.getHeader().getAlgorithm()).isEqualTo("RS256");
		assertThat(jws.getHeader().getType()).isEqualTo("at+jwt");
		assertThat(jws.getHeader().getKeyId()).isEqualTo(this.keys.active().kid());
		Claims claims = jws.getPayload();
		assertThat(claims.getIssuer()).isEqualTo("http://auth.test");
		assertThat(claims.getSubject()).isEqualTo(user);
		assertThat(claims.getAudience()).containsExactly("gatehouse");
		assertThat(claims.getExpiration().toInstant())
			.isEqualTo(claims.getIssuedAt().toInstant().plus(Duration.ofMinutes(15)));
		assertThat(claims.getNotBefore()).isNotNull();
		assertThat(claims.getId()).isNotBlank();
		assertThat(claims.get("client_id")).isEqualTo("gatehouse-web");
		assertThat(claims.get("scope")).isEqualTo("profile items:read");
		assertThat(claims.get("roles", java.util.List.class)).containsExactly("user", "admin");
		assertThat(claims.get("sid", String.class)).isNotBlank();
	}

	@Test
	void usernameAndPasswordWithoutGrantTypeIsAPasswordGrant() throws Exception {
		String user = this.users.create(uniqueName("cid"), "user");
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("username", user)
				.param("password", TestUsers.PASSWORD))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.access_token").isString());
	}

	@Test
	void unknownUserAndWrongPasswordAnswerIdentically() throws Exception {
		String user = this.users.create(uniqueName("dan"), "user");
		String wrongPassword = this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "password")
				.param("username", user)
				.param("password", "wrong password"))
			.andExpect(status().isBadRequest())
			.andReturn()
			.getResponse()
			.getContentAsString();
		String unknownUser = this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "password")
				.param("username", uniqueName("nobody"))
				.param("password", "wrong password"))
			.andExpect(status().isBadRequest())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(wrongPassword).isEqualTo(unknownUser).contains("\"error\":\"invalid_grant\"");
	}

	@Test
	void disabledUserWithTheRightPasswordIsAnInactiveUser() throws Exception {
		String user = this.users.create(uniqueName("eve"), "user");
		this.userService.update(user, new UserService.UserChanges(null, true, null, null, null));
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "password")
				.param("username", user)
				.param("password", TestUsers.PASSWORD))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_grant"))
			.andExpect(jsonPath("$.error_description").value("Inactive user"));
	}

	@Test
	void passwordOver72BytesIsRefusedNotTruncated() throws Exception {
		String user = this.users.create(uniqueName("fay"), "user");
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "password")
				.param("username", user)
				.param("password", TestUsers.PASSWORD + "x".repeat(72)))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_request"))
			.andExpect(jsonPath("$.error_description").value(containsString("72 bytes")));
	}

	@Test
	void megabytePasswordIsABadRequestNotAServerError() throws Exception {
		String body = "grant_type=password&username=someone&password=" + "a".repeat(1024 * 1024);
		this.mvc.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED).content(body))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_request"));
	}

	@Test
	void repeatedParameterIsInvalidRequest() throws Exception {
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.content("grant_type=password&grant_type=client_credentials&username=a&password=b"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_request"))
			.andExpect(jsonPath("$.error_description").value("Parameter repeated: grant_type"));
	}

	@Test
	void jsonBodyIsInvalidRequest() throws Exception {
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_JSON)
				.content("{\"grant_type\":\"password\",\"username\":\"a\",\"password\":\"b\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
			.andExpect(jsonPath("$.error").value("invalid_request"));
	}

	@Test
	void missingOrUnparsableContentTypeIsInvalidRequest() throws Exception {
		this.mvc.perform(post("/token").content("grant_type=password"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_request"));
		this.mvc.perform(post("/token").header(HttpHeaders.CONTENT_TYPE, "nonsense;;;").content("grant_type=password"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_request"));
	}

	@Test
	void unknownGrantTypeIsUnsupported() throws Exception {
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED).param("grant_type", "implicit"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("unsupported_grant_type"));
	}

	@Test
	void missingGrantTypeIsInvalidRequest() throws Exception {
		this.mvc.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED).param("username", "x"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_request"));
	}

	@Test
	void getOnTokenEndpointIsMethodNotAllowedAndNotCached() throws Exception {
		this.mvc.perform(get("/token"))
			.andExpect(status().isMethodNotAllowed())
			.andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"));
	}

	@Test
	void unknownClientIdIsInvalidClient() throws Exception {
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "password")
				.param("username", "a")
				.param("password", "b")
				.param("client_id", "nope"))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.error").value("invalid_client"));
	}

	@Test
	void scopeOutsideTheClientsScopesIsInvalidScope() throws Exception {
		String user = this.users.create(uniqueName("gus"), "user");
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "password")
				.param("username", user)
				.param("password", TestUsers.PASSWORD)
				.param("scope", "profile admin:everything"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_scope"));
	}

	@Test
	void requestedScopeNarrowsTheToken() throws Exception {
		String user = this.users.create(uniqueName("hal"), "user");
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "password")
				.param("username", user)
				.param("password", TestUsers.PASSWORD)
				.param("scope", "items:read"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.scope").value("items:read"));
	}

	@Test
	void clientCredentialsWithBasicAuthIssuesAnAccessTokenOnly() throws Exception {
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.header(HttpHeaders.AUTHORIZATION, basic("reports-service", "reports-secret"))
				.param("grant_type", "client_credentials"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.scope").value("reports:read"))
			.andExpect(jsonPath("$.refresh_token").doesNotExist());
	}

	@Test
	void clientCredentialsWithWrongSecretIsInvalidClientWithBasicChallenge() throws Exception {
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.header(HttpHeaders.AUTHORIZATION, basic("reports-service", "wrong"))
				.param("grant_type", "client_credentials"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, containsString("Basic")))
			.andExpect(jsonPath("$.error").value("invalid_client"));
	}

	@Test
	void clientCredentialsFromAPublicClientIsInvalidClient() throws Exception {
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "client_credentials"))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.error").value("invalid_client"));
	}

	@Test
	void malformedBasicCredentialsAreInvalidClient() throws Exception {
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.header(HttpHeaders.AUTHORIZATION, "Basic !!!not-base64")
				.param("grant_type", "client_credentials"))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.error").value("invalid_client"));
	}

	@Test
	void fiveFailuresThrottleEvenTheRightPasswordUntilTheWindowPasses() throws Exception {
		String user = this.users.create(uniqueName("ian"), "user");
		for (int i = 0; i < 5; i++) {
			this.mvc
				.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
					.param("username", user)
					.param("password", "wrong"))
				.andExpect(status().isBadRequest());
		}
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("username", user)
				.param("password", TestUsers.PASSWORD))
			.andExpect(status().isTooManyRequests())
			.andExpect(header().string(HttpHeaders.RETRY_AFTER, "60"))
			.andExpect(jsonPath("$.access_token").doesNotExist());
		this.clock.advance(Duration.ofSeconds(61));
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("username", user)
				.param("password", TestUsers.PASSWORD))
			.andExpect(status().isOk());
	}

	@Test
	void throttlingIsPerClientAddressAndForwardedForCountsOnlyFromTrustedProxies() throws Exception {
		String user = this.users.create(uniqueName("jon"), "user");
		for (int i = 0; i < 5; i++) {
			this.mvc.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED).with((request) -> {
				request.setRemoteAddr("10.0.0.1");
				return request;
			}).header("X-Forwarded-For", "203.0.113.7").param("username", user).param("password", "wrong"))
				.andExpect(status().isBadRequest());
		}
		// the same client behind the trusted proxy is throttled
		this.mvc.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED).with((request) -> {
			request.setRemoteAddr("10.0.0.1");
			return request;
		}).header("X-Forwarded-For", "203.0.113.7").param("username", user).param("password", TestUsers.PASSWORD))
			.andExpect(status().isTooManyRequests());
		// another client behind the proxy is not
		this.mvc.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED).with((request) -> {
			request.setRemoteAddr("10.0.0.1");
			return request;
		}).header("X-Forwarded-For", "203.0.113.8").param("username", user).param("password", TestUsers.PASSWORD))
			.andExpect(status().isOk());
		// a direct client cannot borrow the throttled address by spoofing X-Forwarded-For
		this.mvc.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED).with((request) -> {
			request.setRemoteAddr("198.51.100.9");
			return request;
		}).header("X-Forwarded-For", "203.0.113.7").param("username", user).param("password", TestUsers.PASSWORD))
			.andExpect(status().isOk());
	}

	@Test
	void cookieModePutsTheRefreshTokenInAStrictHttpOnlyCookie() throws Exception {
		String user = this.users.create(uniqueName("kim"), "user");
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.header("X-Token-Delivery", "cookie")
				.param("username", user)
				.param("password", TestUsers.PASSWORD))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.refresh_token").doesNotExist())
			.andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("refresh_token=")))
			.andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("HttpOnly")))
			.andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("Secure")))
			.andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("SameSite=Strict")))
			.andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("Path=/")));
	}

	@Test
	void cookieRefreshFromAForeignOriginIsRefused() throws Exception {
		String user = this.users.create(uniqueName("lee"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.cookie(new jakarta.servlet.http.Cookie("refresh_token", (String) tokens.get("refresh_token")))
				.header(HttpHeaders.ORIGIN, "https://evil.example")
				.header("X-Token-Delivery", "cookie")
				.param("grant_type", "refresh_token"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_request"));
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.cookie(new jakarta.servlet.http.Cookie("refresh_token", (String) tokens.get("refresh_token")))
				.header(HttpHeaders.ORIGIN, "https://app.example")
				.header("X-Token-Delivery", "cookie")
				.param("grant_type", "refresh_token"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.refresh_token").doesNotExist())
			.andExpect(
					header().string(HttpHeaders.SET_COOKIE, not(containsString((String) tokens.get("refresh_token")))));
	}

	@Test
	void failedClientAuthenticationsAreThrottledPerClientAndAddressUntilTheWindowPasses() throws Exception {
		for (int i = 0; i < 5; i++) {
			// /token and /revoke count alike
			this.mvc
				.perform(post((i % 2 == 0) ? "/token" : "/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED)
					.with(from("192.0.2.10"))
					.header(HttpHeaders.AUTHORIZATION, basic("reports-service", "guess-" + i))
					.param("grant_type", "client_credentials")
					.param("token", "x"))
				.andExpect(status().isUnauthorized());
		}
		this.mvc.perform(clientCredentials("192.0.2.10", "reports-service", "reports-secret"))
			.andExpect(status().isTooManyRequests())
			.andExpect(header().string(HttpHeaders.RETRY_AFTER, "60"))
			.andExpect(jsonPath("$.access_token").doesNotExist());
		this.mvc.perform(clientCredentials("192.0.2.11", "reports-service", "reports-secret"))
			.andExpect(status().isOk());
		this.clock.advance(Duration.ofSeconds(61));
		this.mvc.perform(clientCredentials("192.0.2.10", "reports-service", "reports-secret"))
			.andExpect(status().isOk());
	}

	@Test
	void unknownClientIdsFromOneAddressShareOneCount() throws Exception {
		for (int i = 0; i < 5; i++) {
			this.mvc.perform(clientCredentials("192.0.2.20", "made-up-" + i, "secret"))
				.andExpect(status().isUnauthorized());
		}
		this.mvc.perform(clientCredentials("192.0.2.20", "made-up-new", "secret"))
			.andExpect(status().isTooManyRequests());
		this.mvc.perform(clientCredentials("192.0.2.20", "reports-service", "reports-secret"))
			.andExpect(status().isOk());
	}

	private static org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder clientCredentials(
			String address, String clientId, String secret) {
		return post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.with(from(address))
			.header(HttpHeaders.AUTHORIZATION, basic(clientId, secret))
			.param("grant_type", "client_credentials");
	}

	private static org.springframework.test.web.servlet.request.RequestPostProcessor from(String address) {
		return (request) -> {
			request.setRemoteAddr(address);
			return request;
		};
	}

	static String basic(String id, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

}
