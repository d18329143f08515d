package dev.gatehouse.auth.support;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The whole auth-service in a mock servlet environment on one shared context: a real
 * database (H2, or PostgreSQL on request), the test signing key, a clock the tests move.
 * Each test makes users of its own.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import({ TestClockConfiguration.class, TestUsers.class })
public abstract class MockMvcTestSupport {

	@Autowired
	protected MockMvc mvc;

	@Autowired
	protected MutableClock clock;

	@Autowired
	protected TestUsers users;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		TestDatabase.shared().forEach((key, value) -> registry.add(key, () -> value));
	}

	@BeforeEach
	void resetClock() {
		this.clock.set(java.time.Instant.now());
	}

	/** A fresh user name, so tests sharing the database never see each other's users. */
	protected static String uniqueName(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	protected Map<String, Object> login(String username, String password) throws Exception {
		MvcResult result = this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "password")
				.param("username", username)
				.param("password", password))
			.andExpect(status().isOk())
			.andReturn();
		return JsonPath.read(result.getResponse().getContentAsString(), "$");
	}

	protected Map<String, Object> refresh(String refreshToken) throws Exception {
		MvcResult result = this.mvc
			.perform(post("/token").contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.param("grant_type", "refresh_token")
				.param("refresh_token", refreshToken))
			.andExpect(status().isOk())
			.andReturn();
		return JsonPath.read(result.getResponse().getContentAsString(), "$");
	}

	protected static String bearer(Map<String, Object> tokens) {
		return "Bearer " + tokens.get("access_token");
	}

	protected static List<String> roles(String... roles) {
		return List.of(roles);
	}

}
