package dev.gatehouse.auth.user;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * First start: creates the bootstrap admin
 * ({@code GATEHOUSE_AUTH_BOOTSTRAP_ADMIN_USERNAME} / {@code …_PASSWORD}) when no user
 * exists yet, and, in the demo profile only, the demo users. Runs once every singleton
 * (the migrated database included) exists and before the web server starts, so the first
 * request already finds them (an {@code ApplicationRunner} would run only after the
 * server accepts requests).
 */
@Component
class UserBootstrap implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(UserBootstrap.class);

	private final UserService users;

	private final UserStore store;

	private final PasswordHasher hasher;

	private final AuthProperties properties;

	private final Environment environment;

	UserBootstrap(UserService users, UserStore store, PasswordHasher hasher, AuthProperties properties,
			Environment environment) {
		this.users = users;
		this.store = store;
		this.hasher = hasher;
		this.properties = properties;
		this.environment = environment;
	}

	@Override
	public void afterSingletonsInstantiated() {
		AuthProperties.Admin admin = this.properties.bootstrap().admin();
		if (admin.username() != null && admin.password() != null && !this.users.exists()) {
			if (!admin.username().matches(UserRequests.USERNAME) || PasswordHasher.isTooLong(admin.password())
					|| admin.password().length() < 8) {
				throw new IllegalStateException(
						"gatehouse.auth.bootstrap.admin: the username must be 1-64 of A-Z a-z 0-9 . _ @ - "
								+ "and the password 8 characters to 72 bytes");
			}
			this.users.create(admin.username(), admin.password(), null, "Administrator", List.of("admin", "user"));
			logger.info("Created the bootstrap admin '{}'", admin.username());
		}
		if (this.environment.acceptsProfiles(Profiles.of("demo"))) {
			demoUser("johndoe", "secret", "johndoe@example.com", "John Doe", List.of("user"), false);
			demoUser("alice", "wonderland", "alice@example.com", "Alice Wonderson", List.of("user", "admin"), false);
			demoUser("bob", "builder", "bob@example.com", "Bob Builder", List.of("user"), true);
		}
	}

	private void demoUser(String username, String password, String email, String fullName, List<String> roles,
			boolean disabled) {
		if (this.store.insert(new User(username, this.hasher.hash(password), email, fullName, roles, disabled, null))) {
			logger.warn("Demo profile: created demo user '{}'; never run the demo profile in production", username);
		}
	}

}
