package dev.gatehouse.gateway.security;

import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Takes the bearer token from the {@code Authorization} header only (RFC 6750 section
 * 2.1). Tokens in the query string, a form body or a cookie are never looked at.
 */
public final class BearerTokenExtractor {

	private static final String SCHEME = "bearer";

	/** The scheme and the one space that separates it from the credentials. */
	private static final int TOKEN_START = SCHEME.length() + 1;

	/** The {@code b64token} characters below 128, one lookup per character. */
	private static final boolean[] B64TOKEN = b64TokenChars();

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
		if (!isB64TokenCredentials(value)) {
			throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "bearer credentials");
		}
		return value.substring(TOKEN_START);
	}

	/**
	 * {@code Bearer 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="} (RFC
	 * 6750 section 2.1), the scheme already matched.
	 */
	private static boolean isB64TokenCredentials(String value) {
		return value.length() > TOKEN_START && value.charAt(SCHEME.length()) == ' ' && isToken68(value, TOKEN_START);
	}

	/**
	 * Whether {@code value} from {@code start} on is a {@code token68} (RFC 9110 section
	 * 11.2), the credentials of the {@code Bearer} and {@code DPoP} schemes. A plain
	 * scan: this runs on every request, and a regular expression over a kilobyte of token
	 * cost several microseconds.
	 * @param value an {@code Authorization} value
	 * @param start where the credentials start
	 * @return whether they are a non-empty token68
	 */
	public static boolean isToken68(String value, int start) {
		int length = value.length();
		int i = start;
		while (i < length && isB64TokenChar(value.charAt(i))) {
			i++;
		}
		if (i == start) {
			return false;
		}
		while (i < length && value.charAt(i) == '=') {
			i++;
		}
		return i == length;
	}

	private static boolean isB64TokenChar(char c) {
		return c < B64TOKEN.length && B64TOKEN[c];
	}

	private static boolean[] b64TokenChars() {
		boolean[] chars = new boolean[128];
		for (char c = 0; c < chars.length; c++) {
			chars[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
		}
		return chars;
	}

}
