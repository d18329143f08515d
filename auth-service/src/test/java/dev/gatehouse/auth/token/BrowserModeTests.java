package dev.gatehouse.auth.token;

import java.time.Clock;
import java.util.Map;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;
import dev.gatehouse.auth.support.TestUsers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The refresh cookie is spent only by browser-mode requests
 * ({@code X-Token-Delivery: cookie}) from an allowed origin, and what they get back never
 * carries a refresh token a script could read.
 */
class BrowserModeTests extends MockMvcTestSupport {

	private static final String ORIGIN = "https://app.example";

	@Test
	void aCookieRefreshWithoutTheDeliveryHeaderIsRefused() throws Exception {
		String token = refreshTokenOf(this.users.create(uniqueName("ama"), "user"));
		this.mvc.perform(cookieRefresh(token).header(HttpHeaders.ORIGIN, ORIGIN))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_request"))
			.andExpect(jsonPath("$.error_description").value(containsString("X-Token-Delivery: cookie")))
			.andExpect(jsonPath("$.refresh_token").doesNotExist());
		// refused before it was spent: the browser's next proper refresh still works
		this.mvc.perform(cookieRefresh(token).header(HttpHeaders.ORIGIN, ORIGIN).header("X-Token-Delivery", "cookie"))
			.andExpect(status().isOk());
	}

	@Test
	void aCookieRefreshAnswersWithTheNewRefreshTokenOnlyAsTheCookie() throws Exception {
		String token = refreshTokenOf(this.users.create(uniqueName("bea"), "user"));
		this.mvc.perform(cookieRefresh(token).header(HttpHeaders.ORIGIN, ORIGIN).header("X-Token-Delivery", "COOKIE"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.access_token").isString())
			.andExpect(jsonPath("$.refresh_token").doesNotExist())
			.andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("refresh_token=")))
			.andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("HttpOnly")));
	}

	@Test
	void aCookieRefreshWithoutOriginIsRefused() throws Exception {
		String token = refreshTokenOf(this.users.create(uniqueName("cal"), "user"));
		this.mvc.perform(cookieRefresh(token).header("X-Token-Delivery", "cookie"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.error").value("invalid_request"))
			.andExpect(jsonPath("$.refresh_token").doesNotExist());
		this.mvc.perform(cookieRefresh(token).header("X-Token-Delivery", "cookie").header(HttpHeaders.ORIGIN, "null"))
			.andExpect(status().isBadRequest());
	}

	@Test
	void aRefreshCarryingBothTheCookieAndABodyTokenIsRefused() throws Exception {
		String token = refreshTokenOf(this.users.create(uniqueName("dee"), "user"));
		for (String delivery : new String[] { "cookie", "body" }) {
			this.mvc
				.perform(cookieRefresh(token).param("refresh_token", token)
					.header(HttpHeaders.ORIGIN, ORIGIN)
					.header("X-Token-Delivery", delivery))
				.andExpect(status().isBadRequest())
				.andExpect(jsonPath("$.error").value("invalid_request"))
				.andExpect(jsonPath("$.refresh_token").doesNotExist());
		}
	}

	@Test
	void aCookieOnlyLogoutWithoutTheDeliveryHeaderIsRefusedAndEndsNothing() throws Exception {
		String user = this.users.create(uniqueName("eli"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(post("/logout").cookie(new Cookie("refresh_token", (String) tokens.get("refresh_token")))
				.header(HttpHeaders.ORIGIN, ORIGIN))
			.andExpect(status().isForbidden())
			.andExpect(header().string(HttpHeaders.CONTENT_TYPE, "application/problem+json"));
		this.mvc
			.perform(post("/logout").cookie(new Cookie("refresh_token", (String) tokens.get("refresh_token")))
				.header("X-Token-Delivery", "cookie"))
			.andExpect(status().isForbidden());
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(tokens))).andExpect(status().isOk());
	}

	@Test
	void aBearerLogoutWithoutTheDeliveryHeaderEndsTheBearersSessionAndClearsTheCookie() throws Exception {
		String user = this.users.create(uniqueName("fin"), "user");
		Map<String, Object> tokens = login(user, TestUsers.PASSWORD);
		this.mvc
			.perform(post("/logout").header(HttpHeaders.AUTHORIZATION, bearer(tokens))
				.cookie(new Cookie("refresh_token", (String) tokens.get("refresh_token"))))
			.andExpect(status().isNoContent())
			.andExpect(header().string(HttpHeaders.SET_COOKIE, containsString("Max-Age=0")));
		this.mvc.perform(get("/users/me").header(HttpHeaders.AUTHORIZATION, bearer(tokens)))
			.andExpect(status().isUnauthorized());
	}

	@Test
	void withoutConfiguredOriginsOnlyTheServicesOwnOriginMaySpendTheCookie() {
		RefreshCookie cookie = new RefreshCookie(TestProperties.withTrustedProxies(), Clock.systemUTC());
		assertThat(cookie.spend(browserRequest("https://auth.example"))).isEqualTo("token");
		assertThatExceptionOfType(OAuthException.class)
			.isThrownBy(() -> cookie.spend(browserRequest("https://evil.example")));
		assertThatExceptionOfType(OAuthException.class)
			.isThrownBy(() -> cookie.spend(browserRequest("http://auth.example")));
		assertThatExceptionOfType(OAuthException.class)
			.isThrownBy(() -> cookie.spend(browserRequest("https://auth.example:8443")));
		assertThatExceptionOfType(OAuthException.class).isThrownBy(() -> cookie.spend(browserRequest(null)));
	}

	private static MockHttpServletRequest browserRequest(String origin) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/token");
		request.setScheme("https");
		request.setServerName("auth.example");
		request.setServerPort(443);
		request.setCookies(new Cookie("refresh_token", "token"));
		request.addHeader("X-Token-Delivery", "cookie");
		if (origin != null) {
			request.addHeader(HttpHeaders.ORIGIN, origin);
		}
		return request;
	}

	private String refreshTokenOf(String user) throws Exception {
		return (String) login(user, TestUsers.PASSWORD).get("refresh_token");
	}

	private static MockHttpServletRequestBuilder cookieRefresh(String token) {
		return post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.cookie(new Cookie("refresh_token", token))
			.param("grant_type", "refresh_token");
	}

}
