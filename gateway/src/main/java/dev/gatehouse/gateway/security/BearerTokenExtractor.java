package dev.gatehouse.gateway.security;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Takes the bearer token from the {@code Authorization} header only (RFC 6750 section
 * 2.1). Tokens in the query string, a form body or a cookie are never looked at.
 */
public final class BearerTokenExtractor {

	private static final String SCHEME = "bearer";

	/** RFC 6750 {@code b64token}; the scheme is matched case-insensitively. */
	private static final Pattern AUTHORIZATION = Pattern.compile("^Bearer (?<token>[a-zA-Z0-9\\-._~+/]+=*)$",
			Pattern.CASE_INSENSITIVE);

	/**
	 * Extract the token.
	 * @param request the request
	 * @return the token, or {@code null} when no bearer credentials were sent
	 * @throws InvalidBearerRequestException when more than one {@code Authorization}
	 * header was sent
	 * @throws TokenRejectedException when the bearer credentials are malformed
	 */
	public String extract(ServerHttpRequest request) {
		List<String> values = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
		if (values == null || values.isEmpty()) {
			return null;
		}
		if (values.size() > 1) {
			throw new InvalidBearerRequestException("more than one Authorization header");
		}
		String value = values.get(0);
		if (!value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
			// another scheme (Basic, ...): no bearer credentials at all
			return null;
		}
		Matcher matcher = AUTHORIZATION.matcher(value);
		if (!matcher.matches()) {
			throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "bearer credentials");
		}
		return matcher.group("token");
	}

}
