package dev.gatehouse.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.util.WebUtils;

/**
 * The browser-mode {@code refresh_token} cookie: HttpOnly, SameSite=Strict, Secure
 * (unless the demo turns it off), scoped to {@code gatehouse.auth.cookie-path}. A request
 * that spends the cookie must be a browser-mode request
 * ({@value #DELIVERY_HEADER}{@code : cookie}, a custom header that forces a CORS
 * preflight) with an {@code Origin} in {@code gatehouse.auth.allowed-origins} (this
 * service's own origin when none are configured); its answer then carries the new refresh
 * token only as the cookie, so no script ever reads one.
 */
@Component
class RefreshCookie {

	public static final String NAME = "refresh_token";

	/** Browser mode: the refresh token travels in an HttpOnly cookie, never in a body. */
	public static final String DELIVERY_HEADER = "X-Token-Delivery";

	private final AuthProperties properties;

	private final Clock clock;

	RefreshCookie(AuthProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

	/** The cookie's value, whatever the request's mode; {@code null} without one. */
	public String read(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies == null) {
			return null;
		}
		String value = null;
		for (Cookie cookie : cookies) {
			if (NAME.equals(cookie.getName())) {
				if (value != null) {
					throw OAuthException.badRequest(OAuthException.INVALID_REQUEST, "Cookie repeated: " + NAME);
				}
				value = cookie.getValue();
			}
		}
		return value;
	}

	/**
	 * Whether the request asks for browser mode
	 * ({@value #DELIVERY_HEADER}{@code : cookie}).
	 */
	public boolean isCookieMode(HttpServletRequest request) {
		return "cookie".equalsIgnoreCase(request.getHeader(DELIVERY_HEADER));
	}

	/**
	 * The refresh token of the cookie, for a request that spends it; {@code null} without
	 * the cookie.
	 * @throws OAuthException when the request is not in browser mode or not from an
	 * allowed origin
	 */
	public String spend(HttpServletRequest request) {
		String value = read(request);
		if (value == null) {
			return null;
		}
		if (!isCookieMode(request)) {
			throw OAuthException.badRequest(OAuthException.INVALID_REQUEST,
					"The refresh cookie is accepted only with " + DELIVERY_HEADER + ": cookie");
		}
		if (!isAllowedOrigin(request)) {
			throw OAuthException.badRequest(OAuthException.INVALID_REQUEST,
					"Origin not allowed to use the refresh cookie");
		}
		return value;
	}

	/**
	 * CSRF defence beyond SameSite: browsers send {@code Origin} with every POST, so a
	 * missing one is refused too.
	 */
	private boolean isAllowedOrigin(HttpServletRequest request) {
		String origin = request.getHeader(HttpHeaders.ORIGIN);
		if (origin == null) {
			return false;
		}
		if (this.properties.allowedOrigins().isEmpty()) {
			return WebUtils.isSameOrigin(new ServletServerHttpRequest(request));
		}
		return this.properties.allowedOrigins().contains(origin);
	}

	ResponseCookie issue(String refreshToken, Instant expiresAt) {
		return base(refreshToken).maxAge(Duration.between(this.clock.instant(), expiresAt)).build();
	}

	public ResponseCookie clear() {
		return base("").maxAge(Duration.ZERO).build();
	}

	private ResponseCookie.ResponseCookieBuilder base(String value) {
		return ResponseCookie.from(NAME, value)
			.httpOnly(true)
			.secure(this.properties.cookieSecure())
			.sameSite("Strict")
			.path(this.properties.cookiePath());
	}

}
