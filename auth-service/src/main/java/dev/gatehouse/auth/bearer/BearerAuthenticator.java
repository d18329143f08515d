package dev.gatehouse.auth.bearer;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import dev.gatehouse.auth.dpop.DpopException;
import dev.gatehouse.auth.dpop.DpopProof;
import dev.gatehouse.auth.dpop.DpopProofValidator;
import dev.gatehouse.auth.problem.ApiException;
import dev.gatehouse.auth.revocation.RevocationService;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Authenticates the caller of this service's own API from {@code Authorization: Bearer}
 * or, for a DPoP-bound token, {@code Authorization: DPoP} with a {@code DPoP} proof for
 * this very request (RFC 9449 §7: exactly one header each, RFC 6750 token syntax), and
 * enforces every kind of revocation against the database: the token's {@code jti}, its
 * session, and the user's state (deleted, disabled, "not before"). A DPoP-bound token
 * sent as {@code Bearer} is refused, as is an unbound one sent as {@code DPoP}.
 */
@Component
public class BearerAuthenticator {

	private static final Pattern AUTHORIZATION = Pattern
		.compile("^([Bb][Ee][Aa][Rr][Ee][Rr]|[Dd][Pp][Oo][Pp]) ([A-Za-z0-9\\-._~+/]+=*)$");

	private final AccessTokenVerifier verifier;

	private final RevocationService revocations;

	private final TokenSubjects subjects;

	private final DpopProofValidator proofs;

	BearerAuthenticator(AccessTokenVerifier verifier, RevocationService revocations, TokenSubjects subjects,
			DpopProofValidator proofs) {
		this.verifier = verifier;
		this.revocations = revocations;
		this.subjects = subjects;
		this.proofs = proofs;
	}

	/**
	 * The access token of the {@code Authorization} header, {@code null} when none was
	 * sent; malformed or repeated headers are refused.
	 */
	public static PresentedToken presentedToken(HttpServletRequest request) {
		List<String> headers = Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION));
		if (headers.isEmpty()) {
			return null;
		}
		var matcher = AUTHORIZATION.matcher(headers.get(0));
		if (headers.size() > 1 || !matcher.matches()) {
			throw new InvalidAccessTokenException("Malformed Authorization header");
		}
		return new PresentedToken(matcher.group(2), matcher.group(1).length() == 4);
	}

	public VerifiedAccessToken authenticate(HttpServletRequest request) {
		PresentedToken presented = presentedToken(request);
		if (presented == null) {
			throw InvalidAccessTokenException.missing();
		}
		return authenticate(presented, request);
	}

	/**
	 * @param presented the request's token
	 * @param request the request, whose proof a DPoP-bound token needs
	 * @return the verified token
	 */
	public VerifiedAccessToken authenticate(PresentedToken presented, HttpServletRequest request) {
		VerifiedAccessToken verified = this.verifier.verify(presented.value());
		if (this.revocations.isDenylisted(verified.jti())
				|| (verified.sessionId() != null && this.revocations.isSessionRevoked(verified.sessionId()))) {
			throw new InvalidAccessTokenException("The access token has been revoked");
		}
		if (verified.sessionId() != null || !verified.subject().equals(verified.clientId())) {
			if (!this.subjects.acceptsTokenOf(verified.subject(), verified.issuedAt())) {
				throw new InvalidAccessTokenException("The access token has been revoked");
			}
		}
		checkBinding(presented, verified, request);
		return verified;
	}

	private void checkBinding(PresentedToken presented, VerifiedAccessToken verified, HttpServletRequest request) {
		if (verified.jkt() == null) {
			if (presented.dpop()) {
				throw InvalidAccessTokenException.dpopInvalidToken("The access token is not DPoP-bound",
						this.proofs.algorithms());
			}
			return;
		}
		if (!presented.dpop()) {
			throw InvalidAccessTokenException.dpopRequired(
					"A DPoP-bound access token must be sent with the DPoP scheme and a proof",
					this.proofs.algorithms());
		}
		List<String> proofHeaders = Collections.list(request.getHeaders(DpopProofValidator.HEADER));
		try {
			if (proofHeaders.size() != 1) {
				throw DpopException
					.invalidProof(proofHeaders.isEmpty() ? "A DPoP proof is required" : "More than one DPoP header");
			}
			DpopProof proof = this.proofs.validateForResource(proofHeaders.get(0), request.getMethod(),
					URI.create(request.getRequestURL().toString()), presented.value());
			if (!proof.jkt().equals(verified.jkt())) {
				throw DpopException.invalidProof("The DPoP proof's key is not the key the access token is bound to");
			}
		}
		catch (DpopException ex) {
			throw InvalidAccessTokenException.dpopRefused(ex, this.proofs.algorithms());
		}
		catch (IllegalArgumentException ex) {
			throw InvalidAccessTokenException.dpopRefused(DpopException.invalidProof("Malformed request URL"),
					this.proofs.algorithms());
		}
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

	/**
	 * An access token as the request presented it; {@link #toString()} never shows it.
	 *
	 * @param value the token
	 * @param dpop whether it came with the {@code DPoP} scheme rather than {@code Bearer}
	 */
	public record PresentedToken(String value, boolean dpop) {

		@Override
		public String toString() {
			return "PresentedToken[dpop=" + this.dpop + "]";
		}
	}

}
