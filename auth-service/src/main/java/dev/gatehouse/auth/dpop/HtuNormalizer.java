package dev.gatehouse.auth.dpop;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The form in which a proof's {@code htu} and the URLs it may name are compared (RFC 9449
 * §4.3: query and fragment ignored; RFC 3986 §6.2.2 and §6.2.3: scheme and host in lower
 * case, the scheme's default port dropped, an empty path is {@code /}).
 */
final class HtuNormalizer {

	private HtuNormalizer() {
	}

	/**
	 * @param url an absolute URL
	 * @return its normalised form, or {@code null} when it is not an absolute http(s) URL
	 * with a host
	 */
	static String normalize(String url) {
		try {
			return normalize(new URI(url));
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	static String normalize(URI url) {
		if (!isHttp(url)) {
			return null;
		}
		String scheme = url.getScheme().toLowerCase(Locale.ROOT);
		int port = url.getPort();
		boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80)
				|| ("https".equals(scheme) && port == 443);
		String path = (url.getRawPath() == null || url.getRawPath().isEmpty()) ? "/" : url.getRawPath();
		return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + path;
	}

	/**
	 * A configured URL must name exactly what it compares as.
	 * @param url a configured public token URL
	 * @return whether it is absolute http(s), with a host and no query or fragment
	 */
	static boolean isUsable(URI url) {
		return url != null && isHttp(url) && url.getRawQuery() == null && url.getRawFragment() == null;
	}

	private static boolean isHttp(URI url) {
		return url.isAbsolute() && url.getScheme() != null
				&& ("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
				&& url.getHost() != null && url.getRawUserInfo() == null;
	}

}
