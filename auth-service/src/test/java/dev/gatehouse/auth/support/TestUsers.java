package dev.gatehouse.auth.support;

import java.util.List;

import dev.gatehouse.auth.user.UserService;

import org.springframework.boot.test.context.TestComponent;

/** Creates users directly through the service, as an admin would. */
@TestComponent
public class TestUsers {

	public static final String PASSWORD = "correct horse battery";

	private final UserService users;

	TestUsers(UserService users) {
		this.users = users;
	}

	public String create(String username, String... roles) {
		this.users.create(username, PASSWORD, username + "@example.com", "Test " + username, List.of(roles));
		return username;
	}

}
