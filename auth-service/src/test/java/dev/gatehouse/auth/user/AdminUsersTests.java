package dev.gatehouse.auth.user;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class AdminUsersTests extends MockMvcTestSupport {

	private String adminBearer() throws Exception {
		return bearer(login(this.users.create(uniqueName("admin"), "user", "admin"), TestUsers.PASSWORD));
	}

	@Test
	void adminCreatesAUserAndSeesItWithoutPasswordOrHash() throws Exception {
		String name = uniqueName("new");
		this.mvc.perform(post("/admin/users").header(HttpHeaders.AUTHORIZATION, adminBearer())
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"username\":\"" + name
					+ "\",\"password\":\"long enough pw\",\"email\":\"n@example.com\",\"full_name\":\"New One\",\"roles\":[\"user\"]}"))
			.andExpect(status().isCreated())
			.andExpect(header().string(HttpHeaders.LOCATION, "/admin/users/" + name))
			.andExpect(jsonPath("$.username").value(name))
			.andExpect(jsonPath("$.full_name").value("New One"))
			.andExpect(jsonPath("$.roles[0]").value("user"))
			.andExpect(jsonPath("$.disabled").value(false))
			.andExpect(content().string(not(containsString("password"))))
			.andExpect(content().string(not(containsString("bcrypt"))));
		login(name, "long enough pw");
	}

	@Test
	void listAndGetShowUsers() throws Exception {
		String bearer = adminBearer();
		String name = this.users.create(uniqueName("listed"), "user");
		this.mvc.perform(get("/admin/users").header(HttpHeaders.AUTHORIZATION, bearer))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[*].username", hasItem(name)));
		this.mvc.perform(get("/admin/users/" + name).header(HttpHeaders.AUTHORIZATION, bearer))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.email").value(name + "@example.com"));
		this.mvc.perform(get("/admin/users/" + uniqueName("ghost")).header(HttpHeaders.AUTHORIZATION, bearer))
			.andExpect(status().isNotFound())
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, "application/problem+json"));
	}

	@Test
	void duplicateUsernameIsConflict() throws Exception {
		String name = this.users.create(uniqueName("dup"), "user");
		this.mvc
			.perform(post("/admin/users").header(HttpHeaders.AUTHORIZATION, adminBearer())
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"username\":\"" + name + "\",\"password\":\"long enough pw\",\"roles\":[]}"))
			.andExpect(status().isConflict())
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, "application/problem+json"));
	}

	@Test
	void invalidBodiesAreProblemDetailsNamingTheField() throws Exception {
		String bearer = adminBearer();
		this.mvc
			.perform(post("/admin/users").header(HttpHeaders.AUTHORIZATION, bearer)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"username\":\"bad name!\",\"password\":\"short\",\"roles\":[\"Not A Role\"]}"))
			.andExpect(status().isBadRequest())
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, "application/problem+json"))
			.andExpect(jsonPath("$.detail").value(containsString("username")))
			.andExpect(jsonPath("$.detail").value(containsString("password")))
			.andExpect(jsonPath("$.detail").value(containsString("roles")));
		this.mvc
			.perform(post("/admin/users").header(HttpHeaders.AUTHORIZATION, bearer)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"username\":\"x\",\"password\":\"" + "p".repeat(73) + "\",\"roles\":[]}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("72 bytes")));
		this.mvc
			.perform(post("/admin/users").header(HttpHeaders.AUTHORIZATION, bearer)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{not json"))
			.andExpect(status().isBadRequest())
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, "application/problem+json"));
		this.mvc
			.perform(patch("/admin/users/x").header(HttpHeaders.AUTHORIZATION, bearer)
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"is_admin\":true}"))
			.andExpect(status().isBadRequest());
	}

	@Test
	void nonAdminGets403AndAnonymousGets401BeforeAnyValidation() throws Exception {
		String user = this.users.create(uniqueName("plain"), "user");
		this.mvc
			.perform(post("/admin/users").header(HttpHeaders.AUTHORIZATION, bearer(login(user, TestUsers.PASSWORD)))
				.contentType(MediaType.APPLICATION_JSON)
				.content("{}"))
			.andExpect(status().isForbidden())
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, "application/problem+json"));
		this.mvc.perform(post("/admin/users").contentType(MediaType.APPLICATION_JSON).content("{}"))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gatehouse\""));
	}

	@Test
	void changingRolesRevokesEarlierTokensButNotNewOnes() throws Exception {
		String user = this.users.create(uniqueName("promo"), "user");
		Map<String, Object> before = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(patch("/admin/users/" + user).header(HttpHeaders.AUTHORIZATION, adminBearer())
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"roles\":[\"user\",\"reports\"]}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.roles[1]").value("reports"));
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(before)))
			.andExpect(status().isUnauthorized());
		Map<String, Object> after = login(user, TestUsers.PASSWORD);
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(after)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.roles[1]").value("reports"));
	}

	@Test
	void changingEmailRevokesNothing() throws Exception {
		String user = this.users.create(uniqueName("mail"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(patch("/admin/users/" + user).header(HttpHeaders.AUTHORIZATION, adminBearer())
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"email\":\"changed@example.com\"}"))
			.andExpect(status().isOk());
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(tokens)))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.email").value("changed@example.com"));
	}

	@Test
	void passwordChangeRevokesAndTheNewPasswordWorks() throws Exception {
		String user = this.users.create(uniqueName("pw"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(patch("/admin/users/" + user).header(HttpHeaders.AUTHORIZATION, adminBearer())
				.contentType(MediaType.APPLICATION_JSON)
				.content("{\"password\":\"a brand new one\"}"))
			.andExpect(status().isOk());
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(tokens)))
			.andExpect(status().isUnauthorized());
		login(user, "a brand new one");
	}

	@Test
	void deletingAUserRevokesItsTokens() throws Exception {
		String user = this.users.create(uniqueName("gone"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc.perform(delete("/admin/users/" + user).header(HttpHeaders.AUTHORIZATION, adminBearer()))
			.andExpect(status().isNoContent());
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(tokens)))
			.andExpect(status().isUnauthorized());
		this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", (String) tokens.get("refresh_token")))
			.andExpect(status().isBadRequest());
	}

	@Test
	void usersMeShowsTheCaller() throws Exception {
		String user = this.users.create(uniqueName("me"), "user", "admin");
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(login(user, TestUsers.PASSWORD))))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.username").value(user))
			.andExpect(jsonPath("$.email").value(user + "@example.com"))
			.andExpect(jsonPath("$.full_name").value("Test " + user))
			.andExpect(jsonPath("$.roles[0]").value("user"))
			.andExpect(jsonPath("$.disabled").value(false))
			.andExpect(jsonPath("$.password_hash").doesNotExist());
	}

	@Test
	void expiredAccessTokenSaysExpired() throws Exception {
		String user = this.users.create(uniqueName("late"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.clock.advance(java.time.Duration.ofMinutes(16));
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(tokens)))
			.andExpect(status().isUnauthorized())
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, containsString("expired")));
	}

}
