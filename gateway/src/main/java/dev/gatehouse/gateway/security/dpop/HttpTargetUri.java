package dev.gatehouse.gateway.security.dpop;

import java.util.Locale;

/**
 * The {@code htu} comparison form of an http(s) URL (RFC 9449 section 4.3, RFC 3986
 * section 6.2.2/6.2.3): query and fragment dropped, scheme and host in lower case, the
 * scheme's default port removed, an empty path made {@code /}. The path is compared as
 * sent (raw). URLs with user info are not accepted.
 */
final class HttpTargetUri {

	private HttpTargetUri() {
	}

	/**
	 * @param url an absolute URL (may be {@code null})
	 * @return its comparison form, or {@code null} when it is not an absolute http(s) URL
	 */
	static String normalize(String url) {
		if (url == null) {
			return null;
		}
		int schemeEnd = url.indexOf("://");
		if (schemeEnd <= 0) {
			return null;
		}
		String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
		if (!"http".equals(scheme) && !"https".equals(scheme)) {
			return null;
		}
		int authorityStart = schemeEnd + 3;
		int end = url.length();
		int pathEnd = end;
		for (int i = authorityStart; i < end; i++) {
			char c = url.charAt(i);
			if (c == '?' || c == '#') {
				pathEnd = i;
				break;
			}
		}
		int pathStart = url.indexOf('/', authorityStart);
		if (pathStart < 0 || pathStart > pathEnd) {
			pathStart = pathEnd;
		}
		return of(scheme, url.substring(authorityStart, pathStart), url.substring(pathStart, pathEnd));
	}

	/**
	 * @param scheme {@code http} or {@code https} (any case)
	 * @param authority host and optional port, as sent
	 * @param rawPath the raw path (may be empty)
	 * @return the comparison form, or {@code null} when the authority is empty or holds
	 * user info
	 */
	static String of(String scheme, String authority, String rawPath) {
		if (authority == null || authority.isEmpty() || authority.indexOf('@') >= 0) {
			return null;
		}
		String lowerScheme = scheme.toLowerCase(Locale.ROOT);
		String host = authority.toLowerCase(Locale.ROOT);
		int colon = host.lastIndexOf(':');
		if (colon >= 0 && colon > host.lastIndexOf(']')) {
			String port = host.substring(colon + 1);
			if (port.isEmpty() || ("http".equals(lowerScheme) && "80".equals(port))
					|| ("https".equals(lowerScheme) && "443".equals(port))) {
				host = host.substring(0, colon);
			}
		}
		String path = (rawPath == null || rawPath.isEmpty()) ? "/" : rawPath;
		return lowerScheme + "://" + host + path;
	}

}
