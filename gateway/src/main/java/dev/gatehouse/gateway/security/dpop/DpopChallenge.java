package dev.gatehouse.gateway.security.dpop;

import java.util.List;

import org.springframework.http.HttpHeaders;

/**
 * The {@code WWW-Authenticate: DPoP} challenge (RFC 9449 section 7.1) with the accepted
 * algorithms, its constant part built once at start-up.
 */
final class DpopChallenge {

	/** The {@code DPoP-Nonce} response header. */
	static final String NONCE_HEADER = "DPoP-Nonce";

	private final String algs;

	/**
	 * @param algorithms the accepted proof algorithms, in the order they are listed
	 */
	DpopChallenge(List<String> algorithms) {
		this.algs = "algs=\"" + String.join(" ", algorithms) + "\"";
	}

	/**
	 * @param error the error code ({@code invalid_dpop_proof}, {@code invalid_token},
	 * {@code use_dpop_nonce})
	 * @param description safe text for {@code error_description}
	 * @return headers carrying the challenge
	 */
	HttpHeaders withError(String error, String description) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.WWW_AUTHENTICATE, value(error, description));
		return headers;
	}

	String value(String error, String description) {
		return "DPoP error=\"" + error + "\", error_description=" + quoted(description) + ", " + this.algs;
	}

	/** The bare challenge, for a route that needs a DPoP token and got none. */
	String bare() {
		return "DPoP " + this.algs;
	}

	private static String quoted(String value) {
		StringBuilder out = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				out.append('\\');
			}
			out.append((c < 0x20 || c == 0x7f) ? ' ' : c);
		}
		return out.append('"').toString();
	}

}
