package dev.gatehouse.auth.token;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class RefreshRotationTests extends MockMvcTestSupport {

	@Autowired
	JdbcClient jdbc;

	@Test
	void refreshRotatesAndTheNewPairWorks() throws Exception {
		String user = this.users.create(uniqueName("amy"), "user");
		Map<String, Object> first = login(user, TestUsers.PASSWORD);
		Map<String, Object> second = refresh((String) first.get("refresh_token"));
		assertThat(second.get("refresh_token")).isNotEqualTo(first.get("refresh_token"));
		assertThat(second.get("access_token")).isNotEqualTo(first.get("access_token"));
		Map<String, Object> third = refresh((String) second.get("refresh_token"));
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(third))).andExpect(status().isOk());
	}

	@Test
	void refreshTokensAreStoredOnlyAsHashes() throws Exception {
		String user = this.users.create(uniqueName("bea"), "user");
		String refreshToken = (String) login(user, TestUsers.PASSWORD).get("refresh_token");
		assertThat(refreshToken).hasSize(43);
		long plain = this.jdbc.sql("select count(*) from refresh_tokens where token_hash = ? or successor = ?")
			.params(refreshToken, refreshToken)
			.query(Long.class)
			.single();
		long hashed = this.jdbc.sql("select count(*) from refresh_tokens where token_hash = ?")
			.param(RefreshTokens.hash(refreshToken))
			.query(Long.class)
			.single();
		assertThat(plain).isZero();
		assertThat(hashed).isOne();
	}

	@Test
	void secondPresentationInsideTheGraceWindowGetsTheSameSuccessor() throws Exception {
		String user = this.users.create(uniqueName("cal"), "user");
		String original = (String) login(user, TestUsers.PASSWORD).get("refresh_token");
		Map<String, Object> tabOne = refresh(original);
		this.clock.advance(Duration.ofMillis(1500));
		Map<String, Object> tabTwo = refresh(original);
		assertThat(tabTwo.get("refresh_token")).isEqualTo(tabOne.get("refresh_token"));
		refresh((String) tabTwo.get("refresh_token"));
	}

	@Test
	void reuseAfterTheGraceWindowRevokesTheWholeFamilyAccessTokensIncluded() throws Exception {
		String user = this.users.create(uniqueName("dot"), "user");
		String original = (String) login(user, TestUsers.PASSWORD).get("refresh_token");
		Map<String, Object> legit = refresh(original);
		this.clock.advance(Duration.ofSeconds(3));
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", original))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_grant"));
		// the legitimate holder's newer tokens are dead too
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", (String) legit.get("refresh_token")))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_grant"));
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(legit)))
			.andExpect(status().isUnauthorized());
		// another login of the same user is untouched
		Map<String, Object> other = login(user, TestUsers.PASSWORD);
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(other))).andExpect(status().isOk());
	}

	@Test
	void expiredRefreshTokenIsInvalidGrant() throws Exception {
		String user = this.users.create(uniqueName("eli"), "user");
		String token = (String) login(user, TestUsers.PASSWORD).get("refresh_token");
		this.clock.advance(Duration.ofDays(7).plusSeconds(1));
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", token))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_grant"));
	}

	@Test
	void refreshFromAnotherClientIsRefused() throws Exception {
		String user = this.users.create(uniqueName("flo"), "user");
		String token = (String) login(user, TestUsers.PASSWORD).get("refresh_token");
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", token)
				.param("client_id", "other-web"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_grant"));
		refresh(token);
	}

	@Test
	void garbageRefreshTokenIsInvalidGrant() throws Exception {
		for (String garbage : new String[] { "x", "a".repeat(43), "'; drop table users; --", "%00".repeat(20) }) {
			this.mvc
				.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
					.param("grant_type", "refresh_token")
					.param("refresh_token", garbage))
				.andExpect(status().isBadRequest())
				.andExpect(jsonPath("$.error").value("invalid_grant"));
		}
	}

	@Test
	void refreshAfterTheUserIsDisabledFails() throws Exception {
		String admin = this.users.create(uniqueName("root"), "admin");
		String user = this.users.create(uniqueName("gil"), "user");
		String token = (String) login(user, TestUsers.PASSWORD).get("refresh_token");
		this.mvc
			.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch("/admin/users/" + user)
				.header(HttpHeaders.AUTHORIZATION, bearer(login(admin, TestUsers.PASSWORD)))
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"disabled\":true}"))
			.andExpect(status().isOk());
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", token))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_grant"));
	}

}
