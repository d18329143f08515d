package dev.gatehouse.auth.bearer;

import java.time.Instant;

/**
 * Whether the user a token was issued to still accepts it: supplied by the users'
 * package, so that authentication needs to know nothing about how users are stored.
 */
@FunctionalInterface
public interface TokenSubjects {

	/**
	 * @param username the token's {@code sub}
	 * @param issuedAt the token's {@code iat}
	 * @return whether the user exists, is enabled, and has not had its tokens revoked
	 * after {@code issuedAt}
	 */
	boolean acceptsTokenOf(String username, Instant issuedAt);

}
