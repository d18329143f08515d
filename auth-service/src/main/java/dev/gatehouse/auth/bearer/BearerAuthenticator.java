package dev.gatehouse.auth.bearer;

import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import dev.gatehouse.auth.problem.ApiException;
import dev.gatehouse.auth.revocation.RevocationService;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Authenticates the caller of this service's own API from {@code Authorization: Bearer}
 * (exactly one header, RFC 6750 syntax), and enforces every kind of revocation against
 * the database: the token's {@code jti}, its session, and the user's state (deleted,
 * disabled, "not before").
 */
@Component
public class BearerAuthenticator {

	private static final Pattern BEARER = Pattern.compile("^[Bb][Ee][Aa][Rr][Ee][Rr] ([A-Za-z0-9\\-._~+/]+=*)$");

	private final AccessTokenVerifier verifier;

	private final RevocationService revocations;

	private final TokenSubjects subjects;

	BearerAuthenticator(AccessTokenVerifier verifier, RevocationService revocations, TokenSubjects subjects) {
		this.verifier = verifier;
		this.revocations = revocations;
		this.subjects = subjects;
	}

	/**
	 * The bearer token's text, {@code null} when none was sent; malformed or repeated
	 * headers are refused.
	 */
	public static String bearerToken(HttpServletRequest request) {
		List<String> headers = Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION));
		if (headers.isEmpty()) {
			return null;
		}
		var matcher = BEARER.matcher(headers.get(0));
		if (headers.size() > 1 || !matcher.matches()) {
			throw new InvalidAccessTokenException("Malformed Authorization header");
		}
		return matcher.group(1);
	}

	public VerifiedAccessToken authenticate(HttpServletRequest request) {
		String token = bearerToken(request);
		if (token == null) {
			throw InvalidAccessTokenException.missing();
		}
		return authenticate(token);
	}

	public VerifiedAccessToken authenticate(String token) {
		VerifiedAccessToken verified = this.verifier.verify(token);
		if (this.revocations.isDenylisted(verified.jti())
				|| (verified.sessionId() != null && this.revocations.isSessionRevoked(verified.sessionId()))) {
			throw new InvalidAccessTokenException("The access token has been revoked");
		}
		if (verified.sessionId() != null || !verified.subject().equals(verified.clientId())) {
			if (!this.subjects.acceptsTokenOf(verified.subject(), verified.issuedAt())) {
				throw new InvalidAccessTokenException("The access token has been revoked");
			}
		}
		return verified;
	}

	public VerifiedAccessToken requireRole(HttpServletRequest request, String role) {
		VerifiedAccessToken caller = authenticate(request);
		if (!caller.hasRole(role)) {
			String needs = "This operation needs the role '" + role + "'";
			throw new ApiException(HttpStatus.FORBIDDEN, "insufficient-scope", "Forbidden", needs,
					InvalidAccessTokenException.challenge("insufficient_scope", needs));
		}
		return caller;
	}

}
