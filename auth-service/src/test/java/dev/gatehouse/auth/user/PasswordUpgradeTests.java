package dev.gatehouse.auth.user;

import org.junit.jupiter.api.Test;

import dev.gatehouse.auth.support.MockMvcTestSupport;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordUpgradeTests extends MockMvcTestSupport {

	@Autowired
	UserStore store;

	@Autowired
	JdbcClient jdbc;

	@Test
	void aWeakerStoredHashIsUpgradedOnSuccessfulLogin() throws Exception {
		String name = uniqueName("legacy");
		this.store.insert(new User(name, "{noop}old-password", null, null, java.util.List.of("user"), false, null));
		login(name, "old-password");
		String stored = this.jdbc.sql("select password_hash from users where username = ?")
			.param(name)
			.query(String.class)
			.single();
		assertThat(stored).startsWith("{bcrypt}$2a$10$");
		login(name, "old-password");
	}

}
