package dev.gatehouse.auth.user;

import java.net.URI;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;

import dev.gatehouse.auth.problem.ApiException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin API, JSON in and out; {@link AdminAccessInterceptor} lets only role
 * {@code admin} in.
 */
@RestController
@RequestMapping("/admin/users")
@Tag(name = "admin")
@SecurityRequirement(name = "bearer")
class AdminUsersController {

	private final UserService users;

	AdminUsersController(UserService users) {
		this.users = users;
	}

	@GetMapping
	@Operation(summary = "List users")
	List<UserView> list() {
		return this.users.findAll().stream().map(UserView::of).toList();
	}

	@PostMapping
	@Operation(summary = "Create a user")
	ResponseEntity<UserView> create(@Valid @RequestBody UserRequests.CreateUser body) {
		User user = this.users.create(body.username(), body.password(), body.email(), body.fullName(), body.roles());
		return ResponseEntity.created(URI.create("/admin/users/" + user.username())).body(UserView.of(user));
	}

	@GetMapping("/{username}")
	@Operation(summary = "One user")
	UserView get(@PathVariable @Pattern(regexp = UserRequests.USERNAME) String username) {
		return this.users.find(username)
			.map(UserView::of)
			.orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "user-not-found", "No such user",
					"No user named '" + username + "'"));
	}

	@PatchMapping("/{username}")
	@Operation(
			summary = "Change roles, disabled, password, email or full_name; role, password and disable changes revoke the user's tokens")
	UserView update(@PathVariable @Pattern(regexp = UserRequests.USERNAME) String username,
			@Valid @RequestBody UserRequests.UpdateUser body) {
		return UserView.of(this.users.update(username, body.changes()));
	}

	@DeleteMapping("/{username}")
	@Operation(summary = "Delete a user and revoke its tokens")
	ResponseEntity<Void> delete(@PathVariable @Pattern(regexp = UserRequests.USERNAME) String username) {
		this.users.delete(username);
		return ResponseEntity.noContent().build();
	}

}
