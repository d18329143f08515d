package dev.gatehouse.gateway.path;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses (400) any request whose <em>raw</em> path could be read differently by the
 * gateway's route matching and by a backend: dot segments, encoded dots, slashes and
 * backslashes (also double-encoded), backslashes, matrix parameters ({@code ;}), empty
 * segments ({@code //}), control characters, plain or percent-encoded, raw non-ASCII
 * characters, and percent-encoded bytes that are not well-formed UTF-8 (overlong forms
 * such as {@code %c0%ae}, stray continuation bytes, encoded surrogates, truncated
 * sequences). Runs before routing, right after the request id is assigned, so route
 * policy is always decided on the path the backend receives.
 */
public final class PathGuardWebFilter implements WebFilter, Ordered {

	/**
	 * After the request id and access log filters (every request, a refused one too, has
	 * an id and a log line), before everything else.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	/**
	 * Percent-encoded dot, slash, backslash, percent (double encoding) or control byte.
	 */
	private static final Pattern ENCODED = Pattern.compile("%(2e|2f|5c|25|[01][0-9a-f]|7f)");

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String reason = check(exchange.getRequest().getURI().getRawPath());
		if (reason != null) {
			return Mono.error(new PathRejectedException(reason));
		}
		return chain.filter(exchange);
	}

	/**
	 * @param rawPath the raw (still percent-encoded) path
	 * @return why the path is refused, or {@code null} if it is fine
	 */
	static String check(String rawPath) {
		if (rawPath == null || rawPath.isEmpty()) {
			return null;
		}
		for (int i = 0; i < rawPath.length(); i++) {
			char c = rawPath.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				return "control character";
			}
			if (c == '\\') {
				return "backslash";
			}
			if (c > 0x7f) {
				// raw bytes outside ASCII (read as ISO-8859-1): not a valid request
				// target, and re-encoding them
				// would hand the backend something else than the client sent
				return "non-ASCII character that is not percent-encoded";
			}
			if (c == ';') {
				return "path parameter (;)";
			}
		}
		if (rawPath.contains("//")) {
			return "empty path segment (//)";
		}
		if (ENCODED.matcher(rawPath.toLowerCase(Locale.ROOT)).find()) {
			return "encoded dot, slash, backslash, percent or control character";
		}
		for (String segment : rawPath.split("/", -1)) {
			if (segment.equals(".") || segment.equals("..")) {
				return "dot segment";
			}
		}
		// only a path with escapes can carry bytes that are not UTF-8
		return (rawPath.indexOf('%') >= 0) ? utf8Problem(rawPath) : null;
	}

	/**
	 * Decodes the escapes strictly (literal characters are ASCII by now): a backend's
	 * lenient decoder could read an overlong or otherwise malformed sequence as a
	 * character the checks above never saw (an overlong {@code %c0%ae} is a dot).
	 */
	private static String utf8Problem(String rawPath) {
		byte[] bytes = new byte[rawPath.length()];
		int length = 0;
		for (int i = 0; i < rawPath.length(); i++) {
			char c = rawPath.charAt(i);
			if (c != '%') {
				bytes[length++] = (byte) c;
				continue;
			}
			int high = (i + 2 < rawPath.length()) ? Character.digit(rawPath.charAt(i + 1), 16) : -1;
			int low = (high >= 0) ? Character.digit(rawPath.charAt(i + 2), 16) : -1;
			if (low < 0) {
				return "malformed percent-encoding";
			}
			bytes[length++] = (byte) ((high << 4) | low);
			i += 2;
		}
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes, 0, length));
			return null;
		}
		catch (CharacterCodingException ex) {
			return "percent-encoded bytes that are not valid UTF-8";
		}
	}

	/**
	 * A constant: Spring's filter chain names each filter in a checkpoint on every
	 * request, which {@link Object#toString()} would build anew each time.
	 */
	@Override
	public String toString() {
		return "PathGuardWebFilter";
	}

}
