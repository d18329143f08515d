package dev.gatehouse.auth.user;

import java.time.Instant;

import dev.gatehouse.auth.bearer.TokenSubjects;

import org.springframework.stereotype.Component;

/**
 * A user's tokens count while the user exists and is enabled, and only those issued since
 * its last revocation ("not before": disabling, deleting, a change of roles or password,
 * logout everywhere).
 */
@Component
class UserTokenSubjects implements TokenSubjects {

	private final UserStore store;

	UserTokenSubjects(UserStore store) {
		this.store = store;
	}

	@Override
	public boolean acceptsTokenOf(String username, Instant issuedAt) {
		User user = this.store.find(username).orElse(null);
		return user != null && !user.disabled()
				&& (user.tokensNotBefore() == null || !issuedAt.isBefore(user.tokensNotBefore()));
	}

}
