package dev.gatehouse.auth.user;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A user as the API shows it: never a password or a hash. */
record UserView(String username, String email, @JsonProperty("full_name") String fullName, List<String> roles,
		boolean disabled) {

	static UserView of(User user) {
		return new UserView(user.username(), user.email(), user.fullName(), user.roles(), user.disabled());
	}

}
