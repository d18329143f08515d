package dev.gatehouse.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.AuthProperties;
import dev.gatehouse.auth.AuthProperties.Client;
import dev.gatehouse.auth.revocation.RevocationService;
import dev.gatehouse.auth.token.AccessTokenIssuer.IssuedAccessToken;
import dev.gatehouse.auth.token.RefreshTokenStore.Issued;
import dev.gatehouse.auth.token.RefreshTokenStore.StoredToken;
import dev.gatehouse.auth.user.PasswordHasher;
import dev.gatehouse.auth.user.User;
import dev.gatehouse.auth.user.UserService;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The three grants of the token endpoint. Each takes the thumbprint of the request's
 * verified DPoP proof key ({@code jkt}, {@code null} without a proof): access tokens are
 * then bound to it, and so are the refresh-token families of public clients (RFC 9449
 * §5). A refresh of a bound family needs a proof signed with its key; without one, or
 * with another key, it is refused and the family is left as it is: the refresh token is
 * useless without the key, and revoking the family would let whoever holds a stolen copy
 * log its owner out.
 */
@Service
class TokenGrants {

	private static final Logger logger = LoggerFactory.getLogger(TokenGrants.class);

	static final String PASSWORD = "password";

	static final String REFRESH_TOKEN = "refresh_token";

	static final String CLIENT_CREDENTIALS = "client_credentials";

	private static final String SCOPE_TOKEN = "[\\x21\\x23-\\x5b\\x5d-\\x7e]+";

	private final UserService users;

	private final RefreshTokenStore refreshTokens;

	private final AccessTokenIssuer issuer;

	private final RevocationService revocations;

	private final LoginThrottle throttle;

	private final TransactionTemplate transaction;

	private final AuthProperties properties;

	private final Clock clock;

	private final Counter reuseDetected;

	private final Counter dpopBindingRefused;

	TokenGrants(UserService users, RefreshTokenStore refreshTokens, AccessTokenIssuer issuer,
			RevocationService revocations, @Qualifier(LoginThrottleConfiguration.LOGIN) LoginThrottle throttle,
			TransactionTemplate transaction, AuthProperties properties, Clock clock, MeterRegistry meters) {
		this.users = users;
		this.refreshTokens = refreshTokens;
		this.issuer = issuer;
		this.revocations = revocations;
		this.throttle = throttle;
		this.transaction = transaction;
		this.properties = properties;
		this.clock = clock;
		this.reuseDetected = Counter.builder("gatehouse.refresh.reuse")
			.description("Spent refresh tokens presented again after the grace window (families revoked)")
			.register(meters);
		this.dpopBindingRefused = Counter.builder("gatehouse.refresh.dpop.refused")
			.description("Refreshes of DPoP-bound sessions without a proof of their key (refused, sessions untouched)")
			.register(meters);
	}

	TokenResponse password(Client client, String username, String password, String scope, String clientAddress,
			String jkt) {
		requireGrant(client, PASSWORD);
		Set<String> scopes = requestedScopes(scope, client.scopes());
		UserService.Authentication authentication;
		try (LoginThrottle.Attempt attempt = this.throttle.reserve(username, clientAddress)) {
			authentication = this.users.authenticate(username, password);
			switch (authentication.outcome()) {
				case BAD_CREDENTIALS -> {
					attempt.failed();
					throw OAuthException.badRequest(OAuthException.INVALID_GRANT, "Incorrect username or password");
				}
				case DISABLED -> throw OAuthException.badRequest(OAuthException.INVALID_GRANT, "Inactive user");
				default -> attempt.succeeded();
			}
		}
		catch (PasswordHasher.BusyException ex) {
			throw OAuthException.busy(ex);
		}
		String scopeValue = String.join(" ", scopes);
		return this.transaction.execute((status) -> {
			// the user as it is now, locked until the tokens are issued: see
			// UserService.lock
			User user = this.users.lockAuthenticated(authentication.user())
				.orElseThrow(() -> OAuthException.badRequest(OAuthException.INVALID_GRANT,
						"Incorrect username or password"));
			if (user.disabled()) {
				throw OAuthException.badRequest(OAuthException.INVALID_GRANT, "Inactive user");
			}
			Issued refresh = this.refreshTokens.startFamily(user.username(), client.clientId(), scopeValue,
					client.isPublic() ? jkt : null);
			IssuedAccessToken access = this.issuer.issue(user.username(), client.clientId(), scopes, user.roles(),
					refresh.familyId(), user.tokensNotBefore(), jkt);
			logger.info("Login of {} via {}: sid={} jti={} dpop={}", user.username(), client.clientId(),
					refresh.familyId(), access.jti(), jkt != null);
			return response(access, refresh, scopeValue, jkt);
		});
	}

	TokenResponse refresh(Client client, String token, String scope, String jkt) {
		requireGrant(client, REFRESH_TOKEN);
		if (!RefreshTokens.isWellFormed(token)) {
			throw invalidRefreshToken();
		}
		Outcome outcome = this.transaction.execute((status) -> rotate(client, token, scope, jkt));
		if (outcome.error() != null) {
			throw outcome.error();
		}
		return outcome.response();
	}

	private Outcome rotate(Client client, String token, String scope, String jkt) {
		StoredToken stored = this.refreshTokens.find(token).orElseThrow(TokenGrants::invalidRefreshToken);
		if (!stored.clientId().equals(client.clientId())) {
			throw OAuthException.badRequest(OAuthException.INVALID_GRANT,
					"The refresh token was issued to another client");
		}
		// before anything else, reuse detection included: without the key, a stolen
		// bound token changes nothing
		if (stored.dpopJkt() != null && !stored.dpopJkt().equals(jkt)) {
			this.dpopBindingRefused.increment();
			logger.warn("Refresh of DPoP-bound session sid={} {}: refused, session untouched", stored.familyId(),
					(jkt != null) ? "with a proof of another key" : "without a proof");
			throw OAuthException.badRequest(OAuthException.INVALID_DPOP_PROOF,
					(jkt != null) ? "The DPoP proof is not signed with the key the refresh token is bound to"
							: "The refresh token is bound to a DPoP key: send a DPoP proof signed with it");
		}
		Instant now = this.clock.instant();
		if (stored.familyRevoked() || !stored.expiresAt().isAfter(now)) {
			throw invalidRefreshToken();
		}
		User user = this.users.lock(stored.username()).orElseThrow(TokenGrants::invalidRefreshToken);
		if (user.disabled()) {
			throw OAuthException.badRequest(OAuthException.INVALID_GRANT, "Inactive user");
		}
		Set<String> scopes = requestedScopes(scope, scopeSet(stored.scope()));
		Issued next = null;
		if (stored.spentAt() == null) {
			next = this.refreshTokens.rotate(token, stored.familyId()).orElse(null);
			if (next == null) {
				// spent concurrently: the other request has committed by now, read what
				// it wrote
				stored = this.refreshTokens.find(token).orElseThrow(TokenGrants::invalidRefreshToken);
			}
		}
		if (next == null) {
			String successor = withinGrace(stored, now) ? RefreshTokens.openSuccessor(token, stored.sealedSuccessor())
					: null;
			if (successor == null) {
				this.reuseDetected.increment();
				logger.warn("Refresh token reuse in session sid={} of user {}: revoking the session", stored.familyId(),
						stored.username());
				this.revocations.revokeFamily(stored.familyId(), "refresh token reuse");
				return new Outcome(null, invalidRefreshToken());
			}
			next = new Issued(successor, stored.familyId(),
					this.refreshTokens.find(successor).map(StoredToken::expiresAt).orElse(now));
		}
		if (jkt != null && stored.dpopJkt() == null && client.isPublic()) {
			this.refreshTokens.bindFamily(stored.familyId(), jkt);
		}
		IssuedAccessToken access = this.issuer.issue(user.username(), client.clientId(), scopes, user.roles(),
				stored.familyId(), user.tokensNotBefore(), jkt);
		logger.debug("Refreshed session sid={}: jti={} dpop={}", stored.familyId(), access.jti(), jkt != null);
		return new Outcome(response(access, next, String.join(" ", scopes), jkt), null);
	}

	private boolean withinGrace(StoredToken stored, Instant now) {
		return !stored.spentAt().plus(this.properties.refreshReuseGrace()).isBefore(now);
	}

	TokenResponse clientCredentials(Client client, String scope, String jkt) {
		if (client.isPublic()) {
			throw OAuthException.invalidClient("client_credentials needs client authentication");
		}
		requireGrant(client, CLIENT_CREDENTIALS);
		Set<String> scopes = requestedScopes(scope, client.scopes());
		IssuedAccessToken access = this.issuer.issue(client.clientId(), client.clientId(), scopes, List.of(), null,
				null, jkt);
		logger.info("Client credentials for {}: jti={} dpop={}", client.clientId(), access.jti(), jkt != null);
		return response(access, null, String.join(" ", scopes), jkt);
	}

	private TokenResponse response(IssuedAccessToken access, Issued refresh, String scope, String jkt) {
		long expiresIn = Duration
			.between(this.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), access.expiresAt())
			.toSeconds();
		return new TokenResponse(access.value(), (jkt != null) ? TokenResponse.DPOP : TokenResponse.BEARER,
				Math.max(expiresIn, 0), (refresh != null) ? refresh.value() : null, scope,
				(refresh != null) ? refresh.expiresAt() : null);
	}

	private static void requireGrant(Client client, String grantType) {
		if (!client.grantTypes().contains(grantType)) {
			throw OAuthException.badRequest(OAuthException.UNAUTHORIZED_CLIENT,
					"This client may not use the " + grantType + " grant");
		}
	}

	/**
	 * The requested scopes, each of which must be allowed; all allowed ones when none is
	 * requested.
	 */
	private static Set<String> requestedScopes(String scope, Set<String> allowed) {
		if (scope == null || scope.isBlank()) {
			return new LinkedHashSet<>(allowed);
		}
		Set<String> requested = scopeSet(scope);
		for (String token : requested) {
			if (!token.matches(SCOPE_TOKEN)) {
				throw OAuthException.badRequest(OAuthException.INVALID_SCOPE, "Malformed scope");
			}
			if (!allowed.contains(token)) {
				throw OAuthException.badRequest(OAuthException.INVALID_SCOPE, "Scope not allowed: " + token);
			}
		}
		return requested;
	}

	private static Set<String> scopeSet(String scope) {
		return (scope == null || scope.isBlank()) ? Set.of()
				: new LinkedHashSet<>(Arrays.asList(scope.trim().split(" +")));
	}

	private static OAuthException invalidRefreshToken() {
		return OAuthException.badRequest(OAuthException.INVALID_GRANT, "Invalid refresh token");
	}

	private record Outcome(TokenResponse response, OAuthException error) {
	}

}
