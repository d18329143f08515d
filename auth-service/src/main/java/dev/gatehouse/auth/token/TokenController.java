package dev.gatehouse.auth.token;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gatehouse.auth.AuthProperties.Client;
import dev.gatehouse.auth.dpop.DpopException;
import dev.gatehouse.auth.dpop.DpopNonces;
import dev.gatehouse.auth.dpop.DpopProofValidator;
import dev.gatehouse.auth.dpop.DpopProperties;
import dev.gatehouse.auth.user.PasswordHasher;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /token} (RFC 6749 §3.2). Reads the form itself so that it can refuse what
 * RFC 6749 forbids: another content type, a repeated parameter. A {@code DPoP} header
 * (RFC 9449) is verified before the grant is looked at; its key's thumbprint binds what
 * the grant issues.
 */
@RestController
@Tag(name = "token")
class TokenController {

	private static final Logger logger = LoggerFactory.getLogger(TokenController.class);

	static final String PATH = "/token";

	private static final int MAX_PARAMETER_LENGTH = 4096;

	private final TokenGrants grants;

	private final ClientRegistry clients;

	private final RefreshCookie cookie;

	private final DpopProperties dpop;

	private final DpopProofValidator proofs;

	private final DpopNonces nonces;

	TokenController(TokenGrants grants, ClientRegistry clients, RefreshCookie cookie, DpopProperties dpop,
			DpopProofValidator proofs, DpopNonces nonces) {
		this.grants = grants;
		this.clients = clients;
		this.cookie = cookie;
		this.dpop = dpop;
		this.proofs = proofs;
		this.nonces = nonces;
	}

	@PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Token endpoint: password, refresh_token and client_credentials grants (form-encoded);"
			+ " with a DPoP proof header (RFC 9449) the tokens are bound to its key")
	ResponseEntity<TokenResponse> token(HttpServletRequest request) {
		Map<String, String> form = form(request);
		String grantType = form.get("grant_type");
		if (grantType == null && form.containsKey("username") && form.containsKey("password")) {
			grantType = TokenGrants.PASSWORD;
		}
		if (grantType == null) {
			throw OAuthException.badRequest(OAuthException.INVALID_REQUEST, "Missing grant_type");
		}
		String jkt = dpopKey(request);
		Client client = this.clients.identify(request, form.get("client_id"));
		boolean cookieMode = this.cookie.isCookieMode(request);
		TokenResponse response = switch (grantType) {
			case TokenGrants.PASSWORD -> {
				String username = required(form, "username");
				String password = required(form, "password");
				if (PasswordHasher.isTooLong(password)) {
					throw OAuthException.badRequest(OAuthException.INVALID_REQUEST,
							"Passwords are limited to " + PasswordHasher.MAX_PASSWORD_BYTES + " bytes");
				}
				// TrustedProxyFilter made the remote address the client's
				yield this.grants.password(client, username, password, form.get("scope"), request.getRemoteAddr(), jkt);
			}
			case TokenGrants.REFRESH_TOKEN -> {
				String refreshToken = form.get("refresh_token");
				if (refreshToken != null && this.cookie.read(request) != null) {
					throw OAuthException.badRequest(OAuthException.INVALID_REQUEST,
							"Send the refresh token as refresh_token or as the cookie, not both");
				}
				if (refreshToken == null) {
					// spent only in browser mode, so the new refresh token goes back as
					// the cookie too
					refreshToken = this.cookie.spend(request);
					if (refreshToken == null) {
						throw OAuthException.badRequest(OAuthException.INVALID_REQUEST, "Missing refresh_token");
					}
				}
				yield this.grants.refresh(client, refreshToken, form.get("scope"), jkt);
			}
			case TokenGrants.CLIENT_CREDENTIALS -> this.grants.clientCredentials(client, form.get("scope"), jkt);
			default -> throw OAuthException.badRequest(OAuthException.UNSUPPORTED_GRANT_TYPE, "Unsupported grant_type");
		};
		ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
		if (jkt != null && this.dpop.nonce().enabled()) {
			// RFC 9449 §8.2: the nonce for the next proof
			ok.header(DpopProofValidator.NONCE_HEADER, this.nonces.current());
		}
		if (cookieMode && response.refreshToken() != null) {
			return ok
				.header(HttpHeaders.SET_COOKIE,
						this.cookie.issue(response.refreshToken(), response.refreshTokenExpiresAt()).toString())
				.body(response.withoutRefreshToken());
		}
		return ok.body(response);
	}

	/**
	 * Verifies the request's DPoP proof, if it has one (and DPoP is on).
	 * @return the thumbprint of the proof's key, or {@code null} without a proof
	 */
	private String dpopKey(HttpServletRequest request) {
		if (!this.dpop.enabled()) {
			return null;
		}
		List<String> proofs = Collections.list(request.getHeaders(DpopProofValidator.HEADER));
		if (proofs.isEmpty()) {
			return null;
		}
		if (proofs.size() > 1) {
			throw OAuthException.badRequest(OAuthException.INVALID_DPOP_PROOF, "More than one DPoP header");
		}
		try {
			return this.proofs
				.validate(proofs.get(0), request.getMethod(), URI.create(request.getRequestURL().toString()))
				.jkt();
		}
		catch (DpopException ex) {
			logger.debug("DPoP proof refused: {}", ex.getMessage());
			throw OAuthException.dpop(ex);
		}
		catch (IllegalArgumentException ex) {
			throw OAuthException.badRequest(OAuthException.INVALID_REQUEST, "Malformed request URL");
		}
	}

	/**
	 * The form's parameters, each exactly once (RFC 6749 §3.2: "parameters MUST NOT be
	 * included more than once").
	 */
	static Map<String, String> form(HttpServletRequest request) {
		MediaType contentType;
		try {
			contentType = (request.getContentType() != null) ? MediaType.parseMediaType(request.getContentType())
					: null;
		}
		catch (IllegalArgumentException ex) {
			contentType = null;
		}
		if (contentType == null || !MediaType.APPLICATION_FORM_URLENCODED.equalsTypeAndSubtype(contentType)) {
			throw OAuthException.badRequest(OAuthException.INVALID_REQUEST,
					"The request must be application/x-www-form-urlencoded");
		}
		Map<String, String[]> parameters;
		try {
			parameters = request.getParameterMap();
		}
		catch (InvalidParameterException ex) {
			throw OAuthException.badRequest(OAuthException.INVALID_REQUEST, "Malformed form body");
		}
		Map<String, String> form = new LinkedHashMap<>();
		parameters.forEach((name, values) -> {
			if (values.length != 1) {
				throw OAuthException.badRequest(OAuthException.INVALID_REQUEST, "Parameter repeated: " + safe(name));
			}
			if (values[0].length() > MAX_PARAMETER_LENGTH) {
				throw OAuthException.badRequest(OAuthException.INVALID_REQUEST, "Parameter too long: " + safe(name));
			}
			if (!values[0].isEmpty()) {
				form.put(name, values[0]);
			}
		});
		return form;
	}

	private static String required(Map<String, String> form, String name) {
		String value = form.get(name);
		if (value == null) {
			throw OAuthException.badRequest(OAuthException.INVALID_REQUEST, "Missing " + name);
		}
		return value;
	}

	private static String safe(String name) {
		return name.matches("[A-Za-z0-9_]{1,40}") ? name : "(unprintable)";
	}

}
