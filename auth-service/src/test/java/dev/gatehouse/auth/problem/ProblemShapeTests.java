package dev.gatehouse.auth.problem;

import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultActions;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The auth-service answers its refusals in the gateway's problem shape: the same
 * {@code urn:gatehouse:problem:*} types and titles for the same refusals, the request
 * path as {@code instance} and the gateway's request id.
 */
class ProblemShapeTests extends MockMvcTestSupport {

	private static ResultActions expectProblem(ResultActions result, int status, String type, String title,
			String instance) throws Exception {
		return result.andExpect(status().is(status))
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.type").value("urn:gatehouse:problem:" + type))
			.andExpect(jsonPath("$.title").value(title))
			.andExpect(jsonPath("$.status").value(status))
			.andExpect(jsonPath("$.detail").isNotEmpty())
			.andExpect(jsonPath("$.instance").value(instance));
	}

	@Test
	void missingTokenIsUnauthorizedAsAtTheGatewayWithTheRequestId() throws Exception {
		expectProblem(this.mvc.perform(get("/users/me").header("X-Request-Id", "rid-42")), 401, "unauthorized",
				"Unauthorized", "/users/me")
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gatehouse\""))
			.andExpect(jsonPath("$.requestId").value("rid-42"));
	}

	@Test
	void badTokenIsInvalidTokenAsAtTheGateway() throws Exception {
		expectProblem(this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, "Bearer not.a.token")), 401,
				"invalid-token", "Invalid token", "/users/me")
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE,
					"Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"The access token is invalid\""))
			.andExpect(jsonPath("$.requestId").doesNotExist());
	}

	@Test
	void missingRoleIsInsufficientScopeAsAtTheGateway() throws Exception {
		String user = this.users.create(uniqueName("plain"), "user");
		expectProblem(
				this.mvc.perform(
						get("/admin/users").header(HttpHeaders.AUTHORIZATION, bearer(login(user, TestUsers.PASSWORD)))),
				403, "insufficient-scope", "Forbidden", "/admin/users")
			.andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE,
					"Bearer realm=\"gatehouse\", error=\"insufficient_scope\", error_description=\"This operation needs the role 'admin'\""));
	}

	@Test
	void unknownUserAndUnknownPathHaveTypesOfTheirOwn() throws Exception {
		String admin = this.users.create(uniqueName("admin"), "user", "admin");
		String bearer = bearer(login(admin, TestUsers.PASSWORD));
		expectProblem(this.mvc.perform(get("/admin/users/nobody-here").header(HttpHeaders.AUTHORIZATION, bearer)), 404,
				"user-not-found", "No such user", "/admin/users/nobody-here");
		expectProblem(this.mvc.perform(get("/no/such/path")), 404, "not-found", "Not found", "/no/such/path");
	}

	@Test
	void anInsaneRequestIdIsNotEchoed() throws Exception {
		this.mvc.perform(get("/users/me").header("X-Request-Id", "<script>"))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.requestId").doesNotExist());
	}

}
