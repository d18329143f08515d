package dev.gatehouse.auth.token;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class RevocationEndpointsTests extends MockMvcTestSupport {

	@Autowired
	JdbcClient jdbc;

	@Test
	void revokingARefreshTokenRevokesItsFamily() throws Exception {
		String user = this.users.create(uniqueName("ada"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(post("/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("token", (String) tokens.get("refresh_token"))
				.param("token_type_hint", "refresh_token"))
			.andExpect(status().isOk());
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(tokens)))
			.andExpect(status().isUnauthorized());
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", (String) tokens.get("refresh_token")))
			.andExpect(status().isBadRequest());
	}

	@Test
	void revokingAnAccessTokenDenylistsItOnly() throws Exception {
		String user = this.users.create(uniqueName("bo"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(post("/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("token", (String) tokens.get("access_token")))
			.andExpect(status().isOk());
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(tokens)))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, containsString("error=\"invalid_token\"")));
		Map<String, Object> refreshed = refresh((String) tokens.get("refresh_token"));
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(refreshed)))
			.andExpect(status().isOk());
	}

	@Test
	void revokingAnUnknownTokenIsStill200() throws Exception {
		this.mvc
			.perform(post("/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED).param("token", "not-a-token"))
			.andExpect(status().isOk())
			.andExpect(content().string(""));
	}

	@Test
	void revokeWithoutTokenIsInvalidRequest() throws Exception {
		this.mvc.perform(post("/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_request"));
	}

	@Test
	void anotherClientCannotRevokeSomeoneElsesToken() throws Exception {
		String user = this.users.create(uniqueName("cy"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(post("/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("token", (String) tokens.get("refresh_token"))
				.param("client_id", "other-web"))
			.andExpect(status().isOk());
		refresh((String) tokens.get("refresh_token"));
	}

	@Test
	void logoutWithBearerRevokesTheSessionAndClearsTheCookie() throws Exception {
		String user = this.users.create(uniqueName("di"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc.perform(post("/logout").header(HttpHeaders.AUTHORIZATION, bearer(tokens)))
			.andExpect(status().isNoContent())
			.andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("refresh_token=;")))
			.andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("Max-Age=0")));
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(tokens)))
			.andExpect(status().isUnauthorized());
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", (String) tokens.get("refresh_token")))
			.andExpect(status().isBadRequest());
	}

	@Test
	void logoutWithOnlyTheRefreshCookieWorks() throws Exception {
		String user = this.users.create(uniqueName("ed"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(post("/logout").cookie(new Cookie("refresh_token", (String) tokens.get("refresh_token")))
				.header("X-Token-Delivery", "cookie")
				.header(HttpHeaders.ORIGIN, "https://app.example"))
			.andExpect(status().isNoContent());
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(tokens)))
			.andExpect(status().isUnauthorized());
	}

	@Test
	void cookieLogoutFromAForeignOriginIsAForbiddenProblem() throws Exception {
		String user = this.users.create(uniqueName("eo"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(post("/logout").cookie(new Cookie("refresh_token", (String) tokens.get("refresh_token")))
				.header("X-Token-Delivery", "cookie")
				.header(HttpHeaders.ORIGIN, "https://evil.example"))
			.andExpect(status().isForbidden())
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, "application/problem+json"));
		refresh((String) tokens.get("refresh_token"));
	}

	@Test
	void logoutEverywhereEndsEveryLogin() throws Exception {
		String user = this.users.create(uniqueName("fi"), "user");
		Map<String, Object> laptop = login(user, TestUsers.PASSWORD);
		Map<String, Object> phone = login(user, TestUsers.PASSWORD);
		this.mvc.perform(post("/logout").param("everywhere", "true").header(HttpHeaders.AUTHORIZATION, bearer(laptop)))
			.andExpect(status().isNoContent());
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(phone)))
			.andExpect(status().isUnauthorized());
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", (String) phone.get("refresh_token")))
			.andExpect(status().isBadRequest());
		// a new login right away (same second) works
		Map<String, Object> again = login(user, TestUsers.PASSWORD);
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(again))).andExpect(status().isOk());
	}

	@Test
	void logoutWithoutCredentialsIs401WithoutErrorCode() throws Exception {
		this.mvc.perform(post("/logout"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gatehouse\""))
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, "application/problem+json"));
	}

	@Test
	void problemBodiesNeverEchoTheToken() throws Exception {
		String token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + token))
			.andExpect(status().isUnauthorized())
			.andExpect(content().string(not(containsString(token))))
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, not(containsString(token))));
	}

	@Test
	void concurrentRevocationsOfOneAccessTokenAllAnswer200AndDenylistItOnce() throws Exception {
		String user = this.users.create(uniqueName("gu"), "user");
		String accessToken = (String) login(user, TestUsers.PASSWORD).get("access_token");
		assertThat(revokeConcurrently(accessToken)).containsOnly(200);
		String jti = JsonPath.read(new String(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1])), "$.jti");
		assertThat(this.jdbc.sql("select count(*) from revoked_access_tokens where jti = ?")
			.param(jti)
			.query(Long.class)
			.single()).isEqualTo(1);
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + accessToken))
			.andExpect(status().isUnauthorized());
	}

	@Test
	void concurrentRevocationsOfOneRefreshTokenAllAnswer200AndRevokeItsLoginOnce() throws Exception {
		String user = this.users.create(uniqueName("ha"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		assertThat(revokeConcurrently((String) tokens.get("refresh_token"))).containsOnly(200);
		assertThat(this.jdbc.sql("select count(*) from refresh_families where username = ? and revoked_at is not null")
			.param(user)
			.query(Long.class)
			.single()).isEqualTo(1);
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", (String) tokens.get("refresh_token")))
			.andExpect(status().isBadRequest());
	}

	/** Twenty {@code /revoke} of one token at once; returns their statuses. */
	private List<Integer> revokeConcurrently(String token) throws Exception {
		int requests = 20;
		ExecutorService pool = Executors.newFixedThreadPool(requests);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> statuses = new ArrayList<>();
			for (int i = 0; i < requests; i++) {
				statuses.add(pool.submit(() -> {
					start.await();
					return this.mvc
						.perform(post("/revoke").contentType(MediaType.APPLICATION_FORM_URLENCODED)
							.param("token", token))
						.andReturn()
						.getResponse()
						.getStatus();
				}));
			}
			start.countDown();
			List<Integer> result = new ArrayList<>();
			for (Future<Integer> status : statuses) {
				result.add(status.get(30, TimeUnit.SECONDS));
			}
			return result;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
