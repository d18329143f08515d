package dev.gatehouse.auth.user;

import java.time.Instant;
import java.util.List;

/** A user as stored; the password hash never leaves this package's store and services. */
public record User(String username, String passwordHash, String email, String fullName, List<String> roles,
		boolean disabled, Instant tokensNotBefore) {

	@Override
	public String toString() {
		return "User[username=" + this.username + ", roles=" + this.roles + ", disabled=" + this.disabled + "]";
	}

}
