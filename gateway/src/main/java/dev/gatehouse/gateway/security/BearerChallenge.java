package dev.gatehouse.gateway.security;

import org.springframework.http.HttpHeaders;

/**
 * The {@code WWW-Authenticate: Bearer} challenge of a refusal (RFC 6750 section 3).
 */
final class BearerChallenge {

	static final String REALM = "Bearer realm=\"gatehouse\"";

	private BearerChallenge() {
	}

	/**
	 * @return headers carrying the bare challenge (no credentials were presented)
	 */
	static HttpHeaders bare() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.WWW_AUTHENTICATE, REALM);
		return headers;
	}

	/**
	 * @param error the RFC 6750 error code
	 * @param description safe text for {@code error_description}
	 * @return headers carrying the challenge with the error
	 */
	static HttpHeaders withError(String error, String description) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.WWW_AUTHENTICATE,
				REALM + ", error=\"" + error + "\", error_description=" + quoted(description));
		return headers;
	}

	/**
	 * @return {@code value} as a quoted-string (RFC 9110), for {@code WWW-Authenticate}
	 */
	static String quoted(String value) {
		StringBuilder out = new StringBuilder(value.length() + 2).append('"');
		for (char c : value.toCharArray()) {
			if (c == '"' || c == '\\') {
				out.append('\\');
			}
			out.append((c < 0x20 || c == 0x7f) ? ' ' : c);
		}
		return out.append('"').toString();
	}

}
