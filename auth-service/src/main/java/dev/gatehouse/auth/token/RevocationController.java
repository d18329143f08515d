package dev.gatehouse.auth.token;

import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import dev.gatehouse.auth.AuthProperties.Client;
import dev.gatehouse.auth.bearer.AccessTokenVerifier;
import dev.gatehouse.auth.bearer.BearerAuthenticator;
import dev.gatehouse.auth.bearer.InvalidAccessTokenException;
import dev.gatehouse.auth.bearer.VerifiedAccessToken;
import dev.gatehouse.auth.problem.ApiException;
import dev.gatehouse.auth.revocation.RevocationService;
import dev.gatehouse.auth.user.UserService;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /revoke} (RFC 7009) and {@code POST /logout}. */
@RestController
@Tag(name = "token")
class RevocationController {

	private final ClientRegistry clients;

	private final RefreshTokenStore refreshTokens;

	private final AccessTokenVerifier verifier;

	private final BearerAuthenticator authenticator;

	private final RevocationService revocations;

	private final UserService users;

	private final RefreshCookie cookie;

	RevocationController(ClientRegistry clients, RefreshTokenStore refreshTokens, AccessTokenVerifier verifier,
			BearerAuthenticator authenticator, RevocationService revocations, UserService users, RefreshCookie cookie) {
		this.clients = clients;
		this.refreshTokens = refreshTokens;
		this.verifier = verifier;
		this.authenticator = authenticator;
		this.revocations = revocations;
		this.users = users;
		this.cookie = cookie;
	}

	/**
	 * Always 200 for a well-formed request: an unknown, expired or foreign token is no
	 * error (no oracle), nor is a concurrent revocation of the same token (it is revoked
	 * once). Revoking a refresh token revokes its whole login; revoking an access token
	 * denylists its {@code jti}. Only the client a token was issued to can revoke it.
	 */
	@PostMapping("/revoke")
	@Operation(summary = "Revoke a refresh or access token (RFC 7009)")
	ResponseEntity<Void> revoke(HttpServletRequest request) {
		Map<String, String> form = TokenController.form(request);
		Client client = this.clients.identify(request, form.get("client_id"));
		String token = form.get("token");
		if (token == null) {
			throw OAuthException.badRequest(OAuthException.INVALID_REQUEST, "Missing token");
		}
		if (RefreshTokens.isWellFormed(token)) {
			this.refreshTokens.find(token)
				.filter((stored) -> stored.clientId().equals(client.clientId()))
				.ifPresent((stored) -> this.revocations.revokeFamily(stored.familyId(), "revoked by client"));
		}
		else {
			try {
				// a gateway accepts a token for its clock skew past exp: so can it still
				// be revoked
				VerifiedAccessToken access = this.verifier.verifyForRevocation(token);
				if (client.clientId().equals(access.clientId())) {
					this.revocations.revokeAccessToken(access.jti(), access.expiresAt());
				}
			}
			catch (InvalidAccessTokenException ex) {
				// not a live token of ours: nothing to revoke, and nothing to tell
			}
		}
		return ResponseEntity.ok().build();
	}

	/**
	 * Ends the caller's login: the presented access token and its whole session (every
	 * refresh and access token of it). With {@code everywhere=true}, every login of the
	 * user. The caller is known from the bearer token, or from the refresh cookie when
	 * the access token has already expired.
	 */
	@PostMapping("/logout")
	@Operation(summary = "Log out: bearer token or refresh cookie; everywhere=true ends every session of the user")
	ResponseEntity<Void> logout(HttpServletRequest request) {
		BearerAuthenticator.PresentedToken bearer = BearerAuthenticator.presentedToken(request);
		String refresh;
		try {
			// a bearer logout that does not ask for browser mode leaves the cookie alone
			// (it is cleared all the same)
			refresh = (bearer != null && !this.cookie.isCookieMode(request)) ? null : this.cookie.spend(request);
		}
		catch (OAuthException ex) {
			// outside the token endpoint refusals are problem details
			throw new ApiException(HttpStatus.FORBIDDEN, "cookie-refused", "Forbidden", ex.getMessage());
		}
		if (bearer == null && refresh == null) {
			throw InvalidAccessTokenException.missing();
		}
		boolean everywhere = "true".equalsIgnoreCase(request.getParameter("everywhere"));
		String username = null;
		if (bearer != null) {
			try {
				VerifiedAccessToken access = this.authenticator.authenticate(bearer, request);
				username = access.subject();
				this.revocations.revokeAccessToken(access.jti(), access.expiresAt());
				if (access.sessionId() != null) {
					this.revocations.revokeFamily(access.sessionId(), "logout");
				}
			}
			catch (InvalidAccessTokenException ex) {
				if (refresh == null) {
					throw ex;
				}
			}
		}
		if (refresh != null && RefreshTokens.isWellFormed(refresh)) {
			var stored = this.refreshTokens.find(refresh).orElse(null);
			if (stored != null) {
				this.revocations.revokeFamily(stored.familyId(), "logout");
				username = (username != null) ? username : stored.username();
			}
		}
		if (everywhere && username != null) {
			this.users.revokeAll(username);
		}
		return ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, this.cookie.clear().toString()).build();
	}

}
