package dev.gatehouse.auth.user;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Admin API request bodies, validated before anything is stored. */
final class UserRequests {

	static final String USERNAME = "[A-Za-z0-9._@-]{1,64}";

	static final String ROLE = "[a-z][a-z0-9_.:-]{0,63}";

	private UserRequests() {
	}

	record CreateUser(
			@NotBlank @Pattern(regexp = USERNAME, message = "must be 1-64 of A-Z a-z 0-9 . _ @ -") String username,
			@NotNull @Size(min = 8, message = "must have at least 8 characters") @Utf8MaxBytes String password,
			@Email @Size(max = 320) String email, @JsonProperty("full_name") @Size(max = 200) String fullName,
			@NotNull @Size(max = 32) List<@NotNull @Pattern(regexp = ROLE,
					message = "must be a role name such as 'admin' or 'reports:read'") String> roles) {

		@Override
		public String toString() {
			return "CreateUser[username=" + this.username + ", roles=" + this.roles + "]";
		}
	}

	record UpdateUser(
			@Size(max = 32) List<@NotNull @Pattern(regexp = ROLE,
					message = "must be a role name such as 'admin' or 'reports:read'") String> roles,
			Boolean disabled, @Size(min = 8, message = "must have at least 8 characters") @Utf8MaxBytes String password,
			@Email @Size(max = 320) String email, @JsonProperty("full_name") @Size(max = 200) String fullName) {

		UserService.UserChanges changes() {
			return new UserService.UserChanges(this.roles, this.disabled, this.password, this.email, this.fullName);
		}

		@Override
		public String toString() {
			return "UpdateUser[roles=" + this.roles + ", disabled=" + this.disabled + "]";
		}
	}

}
