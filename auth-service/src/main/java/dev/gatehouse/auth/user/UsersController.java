package dev.gatehouse.auth.user;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import dev.gatehouse.auth.problem.ApiException;
import dev.gatehouse.auth.bearer.BearerAuthenticator;
import dev.gatehouse.auth.bearer.VerifiedAccessToken;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /users/me}. */
@RestController
@Tag(name = "users")
class UsersController {

	private final BearerAuthenticator authenticator;

	private final UserService users;

	UsersController(BearerAuthenticator authenticator, UserService users) {
		this.authenticator = authenticator;
		this.users = users;
	}

	@GetMapping("/users/me")
	@Operation(summary = "The calling user", security = @SecurityRequirement(name = "bearer"))
	UserView me(HttpServletRequest request) {
		VerifiedAccessToken caller = this.authenticator.authenticate(request);
		return this.users.find(caller.subject())
			.map(UserView::of)
			.orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "user-not-found", "No such user",
					"The token's subject is not a user"));
	}

}
