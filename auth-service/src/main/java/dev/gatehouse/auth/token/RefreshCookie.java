package dev.gatehouse.auth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import dev.gatehouse.auth.AuthProperties;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

/**
 * The browser-mode {@code refresh_token} cookie: HttpOnly, SameSite=Strict, Secure (unless the demo turns it off),
 * scoped to {@code gatehouse.auth.cookie-path}. When {@code gatehouse.auth.allowed-origins} is set, a request that
 * spends the cookie must come from one of those origins (or send no {@code Origin} at all).
 */
@Component
public class RefreshCookie {

	public static final String NAME = "refresh_token";

	private final AuthProperties properties;

	private final Clock clock;

	RefreshCookie(AuthProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

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

	/** Refuses a cookie-borne request from an origin that is not allowed (CSRF defence beyond SameSite). */
	public void checkOrigin(HttpServletRequest request) {
		String origin = request.getHeader(HttpHeaders.ORIGIN);
		if (origin != null && !this.properties.allowedOrigins().isEmpty()
				&& !this.properties.allowedOrigins().contains(origin)) {
			throw OAuthException.badRequest(OAuthException.INVALID_REQUEST, "Origin not allowed to use the refresh cookie");
		}
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
