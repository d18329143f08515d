package dev.gatehouse.auth.user;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.problem.ApiException;
import dev.gatehouse.auth.revocation.RevocationService;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Users: authentication, and the admin operations that revoke a user's tokens when they
 * change who the user is.
 */
@Service
public class UserService {

	private static final Logger logger = LoggerFactory.getLogger(UserService.class);

	private final UserStore store;

	private final PasswordHasher hasher;

	private final RevocationService revocations;

	private final MeterRegistry meters;

	UserService(UserStore store, PasswordHasher hasher, RevocationService revocations, MeterRegistry meters) {
		this.store = store;
		this.hasher = hasher;
		this.revocations = revocations;
		this.meters = meters;
	}

	/**
	 * Checks a username and password. Exactly one password hash is checked whatever the
	 * outcome, so unknown users, wrong passwords and disabled users take the same time.
	 */
	public Authentication authenticate(String username, String password) {
		User user = this.store.find(username).orElse(null);
		boolean matches = this.hasher.matches(password, (user != null) ? user.passwordHash() : null);
		Authentication result;
		if (!matches) {
			result = new Authentication(Authentication.Outcome.BAD_CREDENTIALS, null);
		}
		else if (user.disabled()) {
			result = new Authentication(Authentication.Outcome.DISABLED, null);
		}
		else {
			if (this.hasher.needsUpgrade(user.passwordHash())) {
				String upgraded = this.hasher.hash(password);
				if (this.store.updatePasswordHash(user.username(), user.passwordHash(), upgraded)) {
					logger.info("Upgraded the password hash of user {}", user.username());
					user = new User(user.username(), upgraded, user.email(), user.fullName(), user.roles(),
							user.disabled(), user.tokensNotBefore());
				}
			}
			result = new Authentication(Authentication.Outcome.OK, user);
		}
		this.meters.counter("gatehouse.logins", "outcome", result.outcome().name().toLowerCase(java.util.Locale.ROOT))
			.increment();
		return result;
	}

	public Optional<User> find(String username) {
		return this.store.find(username);
	}

	/**
	 * The user, re-read with its row locked until the caller's transaction ends, for
	 * issuing tokens: a change an admin made before shows here, and one made from now on
	 * waits until the tokens are issued (and then revokes them).
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<User> lock(String username) {
		return this.store.findForUpdate(username);
	}

	/**
	 * {@link #lock} for the user of a successful {@link #authenticate}.
	 * @return empty when the user was deleted or given another password since its
	 * password was checked
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<User> lockAuthenticated(User authenticated) {
		return this.store.findForUpdate(authenticated.username())
			.filter((current) -> current.passwordHash().equals(authenticated.passwordHash()));
	}

	List<User> findAll() {
		return this.store.findAll();
	}

	boolean exists() {
		return this.store.count() > 0;
	}

	@Transactional
	public User create(String username, String password, String email, String fullName, List<String> roles) {
		User user = new User(username, this.hasher.hash(password), email, fullName, List.copyOf(roles), false, null);
		if (!this.store.insert(user)) {
			throw new ApiException(HttpStatus.CONFLICT, "user-exists", "User exists",
					"A user named '" + username + "' already exists");
		}
		logger.info("Created user {} with roles {}", username, roles);
		return user;
	}

	/**
	 * Applies the changes that are not null; changing roles, password or disabling
	 * revokes every earlier token.
	 */
	@Transactional
	public User update(String username, UserChanges changes) {
		User current = require(username);
		List<String> roles = (changes.roles() != null) ? List.copyOf(changes.roles()) : current.roles();
		boolean disabled = (changes.disabled() != null) ? changes.disabled() : current.disabled();
		String hash = (changes.password() != null) ? this.hasher.hash(changes.password()) : current.passwordHash();
		User updated = new User(username, hash, (changes.email() != null) ? changes.email() : current.email(),
				(changes.fullName() != null) ? changes.fullName() : current.fullName(), roles, disabled,
				current.tokensNotBefore());
		this.store.update(updated);
		String why = null;
		if (disabled && !current.disabled()) {
			why = "user disabled";
		}
		else if (changes.password() != null) {
			why = "password changed";
		}
		else if (!Objects.equals(java.util.Set.copyOf(roles), java.util.Set.copyOf(current.roles()))) {
			why = "roles changed";
		}
		if (why != null) {
			return withNotBefore(updated, this.revocations.revokeUser(username, why));
		}
		return updated;
	}

	@Transactional
	public void delete(String username) {
		require(username);
		this.store.delete(username);
		this.revocations.revokeUser(username, "user deleted");
		logger.info("Deleted user {}", username);
	}

	/** Logout everywhere: every session and access token of the user so far. */
	@Transactional
	public void revokeAll(String username) {
		this.revocations.revokeUser(username, "logout everywhere");
	}

	/**
	 * The user, locked until the transaction ends: admin changes and token issues never
	 * interleave.
	 */
	private User require(String username) {
		return this.store.findForUpdate(username)
			.orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "user-not-found", "No such user",
					"No user named '" + username + "'"));
	}

	private static User withNotBefore(User user, java.time.Instant notBefore) {
		return new User(user.username(), user.passwordHash(), user.email(), user.fullName(), user.roles(),
				user.disabled(), notBefore);
	}

	/** The result of checking a username and password. */
	public record Authentication(Outcome outcome, User user) {

		public enum Outcome {

			OK, BAD_CREDENTIALS, DISABLED

		}

	}

	/** What an admin may change; {@code null} leaves a field as it is. */
	public record UserChanges(List<String> roles, Boolean disabled, String password, String email, String fullName) {
	}

}
